# On-premises: a VPN and Direct Connect, both on the transit gateway.

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "203.0.113.10"
  type       = "ipsec.1"
}

resource "aws_vpn_connection" "office" {
  customer_gateway_id = aws_customer_gateway.office.id
  transit_gateway_id  = aws_ec2_transit_gateway.hub.id
  type                = "ipsec.1"
  static_routes_only  = true
}

resource "aws_dx_gateway" "corp" {
  name            = "corp"
  amazon_side_asn = "64512"
}

resource "aws_dx_gateway_association" "corp" {
  dx_gateway_id         = aws_dx_gateway.corp.id
  associated_gateway_id = aws_ec2_transit_gateway.hub.id
  allowed_prefixes      = ["10.0.0.0/8"]
}
