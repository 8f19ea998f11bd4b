# DNS: a private zone for every VPC on the transit gateway, and Resolver endpoints in the hub
# that forward the SSM name to the hub for aws_vpc.app.

resource "aws_route53_zone" "internal" {
  name = "corp.internal"

  vpc {
    vpc_id = aws_vpc.hub.id
  }

  vpc {
    vpc_id = aws_vpc.app.id
  }
}

resource "aws_route53_zone_association" "data" {
  zone_id = aws_route53_zone.internal.zone_id
  vpc_id  = aws_vpc.data.id
}

resource "aws_security_group" "resolver" {
  name_prefix = "resolver-"
  description = "DNS to the Resolver endpoints"
  vpc_id      = aws_vpc.hub.id

  ingress {
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_route53_resolver_endpoint" "inbound" {
  name               = "hub-inbound"
  direction          = "INBOUND"
  security_group_ids = [aws_security_group.resolver.id]

  ip_address {
    subnet_id = aws_subnet.hub_a.id
    ip        = "10.0.0.10"
  }

  ip_address {
    subnet_id = aws_subnet.hub_b.id
    ip        = "10.0.1.10"
  }
}

resource "aws_route53_resolver_endpoint" "outbound" {
  name               = "hub-outbound"
  direction          = "OUTBOUND"
  security_group_ids = [aws_security_group.resolver.id]

  ip_address {
    subnet_id = aws_subnet.hub_a.id
  }

  ip_address {
    subnet_id = aws_subnet.hub_b.id
  }
}

resource "aws_route53_resolver_rule" "ssm" {
  name                 = "ssm-to-hub"
  domain_name          = "ssm.eu-west-1.amazonaws.com"
  rule_type            = "FORWARD"
  resolver_endpoint_id = aws_route53_resolver_endpoint.outbound.id

  target_ip {
    ip = "10.0.0.10"
  }

  target_ip {
    ip = "10.0.1.10"
  }
}

resource "aws_route53_resolver_rule_association" "app" {
  resolver_rule_id = aws_route53_resolver_rule.ssm.id
  vpc_id           = aws_vpc.app.id
}
