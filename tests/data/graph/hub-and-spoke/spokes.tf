# Two spokes on the transit gateway, and a legacy VPC still peered with the hub.

resource "aws_vpc" "app" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "app_a" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.1.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id

  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "app_a" {
  subnet_id      = aws_subnet.app_a.id
  route_table_id = aws_route_table.app.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = [aws_subnet.app_a.id]
  dns_support        = "enable"
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.large"
  subnet_id     = aws_subnet.app_a.id
}

resource "aws_vpc" "data" {
  cidr_block           = "10.2.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "data_a" {
  vpc_id            = aws_vpc.data.id
  cidr_block        = "10.2.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id

  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "data_a" {
  subnet_id      = aws_subnet.data_a.id
  route_table_id = aws_route_table.data.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "data" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.data.id
  subnet_ids         = [aws_subnet.data_a.id]
  dns_support        = "enable"
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "c5.large"
}

resource "aws_autoscaling_group" "workers" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = [aws_subnet.data_a.id]

  launch_template {
    id = aws_launch_template.workers.id
  }
}

resource "aws_vpc" "legacy" {
  cidr_block           = "172.16.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "legacy_a" {
  vpc_id            = aws_vpc.legacy.id
  cidr_block        = "172.16.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_vpc_peering_connection" "legacy" {
  vpc_id      = aws_vpc.legacy.id
  peer_vpc_id = aws_vpc.hub.id
  auto_accept = true
}

resource "aws_route_table" "legacy" {
  vpc_id = aws_vpc.legacy.id
}

resource "aws_route" "legacy_to_hub" {
  route_table_id            = aws_route_table.legacy.id
  destination_cidr_block    = "10.0.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.legacy.id
}

resource "aws_route_table_association" "legacy_a" {
  subnet_id      = aws_subnet.legacy_a.id
  route_table_id = aws_route_table.legacy.id
}

resource "aws_instance" "legacy" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m4.large"
  subnet_id     = aws_subnet.legacy_a.id
}
