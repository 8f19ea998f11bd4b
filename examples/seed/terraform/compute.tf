# The two test instances of the write-up, both in VPC B. In May 2018 only the m5.large (Nitro)
# could reach the endpoint over the peering; the m4.large (Xen) timed out.

resource "aws_instance" "nitro" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.large"
  subnet_id     = aws_subnet.b.id

  tags = {
    Name = "client-m5"
  }
}

resource "aws_instance" "legacy" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m4.large"
  subnet_id     = aws_subnet.b.id

  tags = {
    Name = "client-m4"
  }
}
