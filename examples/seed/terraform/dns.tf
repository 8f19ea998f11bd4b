# The write-up's DNS workaround. Amazon-provided DNS answers only inside its own VPC, so from
# VPC B the Kinesis name resolved to public IPs, even with DNS resolution over the peering.
# A Simple AD in VPC A forwards to VPC A's Amazon DNS, which knows the endpoint's private
# DNS; VPC B's DHCP options point at it, so the name resolves to the endpoint from VPC B.
# (Without this file, vpclint reports DNS001 on aws_vpc.b.)

resource "aws_subnet" "a2" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "ap-northeast-1c"

  tags = {
    Name = "vpc-a-directory"
  }
}

resource "aws_directory_service_directory" "dns" {
  name     = "corp.example.internal"
  password = "Replace-with-a-secret-1"
  type     = "SimpleAD"
  size     = "Small"

  vpc_settings {
    vpc_id     = aws_vpc.a.id
    subnet_ids = [aws_subnet.a.id, aws_subnet.a2.id]
  }
}

resource "aws_vpc_dhcp_options" "b" {
  domain_name_servers = aws_directory_service_directory.dns.dns_ip_addresses
}

resource "aws_vpc_dhcp_options_association" "b" {
  vpc_id          = aws_vpc.b.id
  dhcp_options_id = aws_vpc_dhcp_options.b.id
}
