# The hub: shared services, egress, the endpoint.

resource "aws_vpc" "hub" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "hub_a" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "hub_b" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_subnet" "hub_public" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = "10.0.100.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_internet_gateway" "hub" {
  vpc_id = aws_vpc.hub.id
}

resource "aws_nat_gateway" "hub" {
  subnet_id     = aws_subnet.hub_public.id
  allocation_id = "eipalloc-0123456789abcdef0"
}

resource "aws_route_table" "hub_public" {
  vpc_id = aws_vpc.hub.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.hub.id
  }
}

resource "aws_route_table_association" "hub_public" {
  subnet_id      = aws_subnet.hub_public.id
  route_table_id = aws_route_table.hub_public.id
}

resource "aws_route_table" "hub" {
  vpc_id = aws_vpc.hub.id
}

resource "aws_route" "hub_default" {
  route_table_id         = aws_route_table.hub.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.hub.id
}

resource "aws_route" "hub_to_spokes" {
  route_table_id         = aws_route_table.hub.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
}

resource "aws_route" "hub_to_legacy" {
  route_table_id            = aws_route_table.hub.id
  destination_cidr_block    = "172.16.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.legacy.id
}

resource "aws_route_table_association" "hub_a" {
  subnet_id      = aws_subnet.hub_a.id
  route_table_id = aws_route_table.hub.id
}

resource "aws_route_table_association" "hub_b" {
  subnet_id      = aws_subnet.hub_b.id
  route_table_id = aws_route_table.hub.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "hub" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.hub.id
  subnet_ids         = [aws_subnet.hub_a.id, aws_subnet.hub_b.id]
  dns_support        = "enable"
}

resource "aws_security_group" "endpoints" {
  name_prefix = "endpoints-"
  description = "HTTPS to the interface endpoints from every spoke"
  vpc_id      = aws_vpc.hub.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "172.16.0.0/16"]
  }
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.hub.id
  vpc_endpoint_type   = "Interface"
  service_name        = "com.amazonaws.eu-west-1.ssm"
  subnet_ids          = [aws_subnet.hub_a.id, aws_subnet.hub_b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}
