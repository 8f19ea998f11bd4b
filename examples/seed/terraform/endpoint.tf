# The Kinesis Data Streams interface endpoint in VPC A, open to HTTPS from VPC B.

resource "aws_security_group" "kinesis_endpoint" {
  name_prefix = "kinesis-endpoint-"
  description = "HTTPS to the Kinesis interface endpoint from VPC B"
  vpc_id      = aws_vpc.a.id

  ingress {
    description = "HTTPS from VPC B over the peering"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["172.16.0.0/16"]
  }
}

resource "aws_vpc_endpoint" "kinesis" {
  vpc_id              = aws_vpc.a.id
  vpc_endpoint_type   = "Interface"
  service_name        = "com.amazonaws.ap-northeast-1.kinesis-streams"
  subnet_ids          = [aws_subnet.a.id]
  security_group_ids  = [aws_security_group.kinesis_endpoint.id]
  private_dns_enabled = true
}
