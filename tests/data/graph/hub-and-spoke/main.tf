# A hub-and-spoke network for `vpclint graph` (tests/graph.rs): a shared-services hub VPC with
# an SSM interface endpoint, NAT egress and Route 53 Resolver endpoints; two spokes attached
# to a transit gateway; a legacy VPC still peered with the hub; a VPN and Direct Connect to
# on-premises on the transit gateway. Expect VPC001 on aws_instance.legacy (m4.large over the
# peering) and DNS001 on the spokes that cannot resolve the endpoint's private name
# (aws_vpc.data, aws_vpc.legacy); aws_vpc.app forwards the name to the hub and is silent.
#
# The VPC attachments propagate into the gateway's default table explicitly: propagation by
# default would also bring the Direct Connect gateway's BGP routes, which are not in the code
# and would leave every path through the gateway unchecked.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_ec2_transit_gateway" "hub" {
  description                     = "hub"
  default_route_table_propagation = "disable"
}

resource "aws_ec2_transit_gateway_route_table_propagation" "hub" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "app" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "data" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.data.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}
