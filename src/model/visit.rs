//! Every property of a resource, by path: for tests that replace each one by an Unknown in
//! turn (`rules::completeness`), and for `vpclint graph`, which draws the references of
//! kinds it has no drawing of its own for (`graph::kinds`).
//!
//! Each model struct lists its fields here once, by an exhaustive destructuring pattern:
//! adding a field to a struct without listing it is a compile error, so a new property is
//! never left out of those tests.

use super::cloudwan::{
    CloudWanAccepter, CloudWanAttachment, CoreNetwork, CorePolicyAttachment, Policy, Tags,
};
use super::{
    Compute, DhcpOptions, DhcpOptionsAssociation, Directory, DnsRecord, DxGatewayAssociation,
    Endpoint, EndpointAssociation, EndpointPrivateDns, EndpointService, Firewall, HostedZone,
    HostedZoneAssociation, IngressRule, Ipv4Net, Kind, LaunchTemplate, LbListener,
    MainRouteTableAssociation, NetworkInterface, Peering, PeeringAccepter, PeeringOptions, Prop,
    RamShare, RecordEntry, ResolverEndpoint, ResolverRule, ResolverRuleAssociation, Resource,
    ResourceId, Route, Route53ProfileAssociation, Route53ProfileResourceAssociation, RouteResource,
    RouteTable, RouteTableAssociation, RouteTarget, SecurityGroup, SecurityGroupIngress, Subnet,
    SymStr, TgwAttachmentAccepter, TgwDefaultTable, TgwPeeringAttachment, TgwRoute, TgwRouteTable,
    TgwTableLink, TransitGateway, TransitGatewayVpcAttachment, Val, VgwRoutePropagation, Vpc,
    VpcCidrBlock, VpnConnection, VpnConnectionRoute, VpnGateway, VpnGatewayAttachment,
};
use crate::source::Span;

/// A property that can be made Unknown, whatever its type.
pub trait AnyProp {
    fn set_unknown(&mut self, reason: String);
    fn span(&self) -> Span;
    /// The resource it references, when it is a reference (`vpclint graph` draws these for
    /// kinds it has no drawing of its own for).
    fn target(&self) -> Option<ResourceId>;
}

impl<T> AnyProp for Prop<T> {
    fn set_unknown(&mut self, reason: String) {
        self.val = Val::Unknown(reason);
    }

    fn span(&self) -> Span {
        self.span
    }

    fn target(&self) -> Option<ResourceId> {
        Prop::target(self)
    }
}

/// The visit callback: a property's path (`subnets[1]`, `.route.destination`) and the
/// property.
pub type Visit<'v> = dyn FnMut(&str, &mut dyn AnyProp) + 'v;

pub trait VisitProps {
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>);
}

/// What a property holds: nothing more to visit, or (lists) properties of its own.
pub trait PropValue {
    fn visit_items(&mut self, _path: &str, _f: &mut Visit<'_>) {}
}

impl PropValue for () {}
impl PropValue for bool {}
impl PropValue for i64 {}
impl PropValue for String {}
impl PropValue for SymStr {}
impl PropValue for Ipv4Net {}
impl PropValue for Policy {}
impl PropValue for Tags {}

impl<T: PropValue> PropValue for Vec<Prop<T>> {
    fn visit_items(&mut self, path: &str, f: &mut Visit<'_>) {
        for (i, item) in self.iter_mut().enumerate() {
            item.visit_props(&format!("{path}[{i}]"), f);
        }
    }
}

impl<T: PropValue> VisitProps for Prop<T> {
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
        f(path, self);
        if let Val::Known(v) = &mut self.val {
            v.visit_items(path, f);
        }
    }
}

impl<V: VisitProps> VisitProps for Option<V> {
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
        if let Some(v) = self {
            v.visit_props(path, f);
        }
    }
}

impl<V: VisitProps> VisitProps for Vec<V> {
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
        for (i, v) in self.iter_mut().enumerate() {
            v.visit_props(&format!("{path}[{i}]"), f);
        }
    }
}

/// Fields that are not properties.
macro_rules! no_props {
    ($($ty:ty),*) => {
        $(impl VisitProps for $ty {
            fn visit_props(&mut self, _: &str, _: &mut Visit<'_>) {}
        })*
    };
}

no_props!(bool, Span, super::ComputeKind, super::TargetKind);

/// A struct's fields, listed exhaustively.
macro_rules! fields {
    ($($ty:ident { $($field:ident),* $(,)? }),* $(,)?) => {
        $(impl VisitProps for $ty {
            fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
                let $ty { $($field),* } = self;
                $($field.visit_props(&format!("{path}.{}", stringify!($field)), f);)*
            }
        })*
    };
}

fields! {
    Vpc { cidr, dns_support, dns_hostnames, default_vpc, tenancy },
    VpcCidrBlock { vpc, cidr },
    Subnet { vpc, cidr, availability_zone, ipv6_native },
    Route { destination, target, span },
    RouteTarget { kind, target },
    RouteTable { vpc, routes, propagating_vgws, main_of_vpc },
    RouteResource { route_table, route },
    RouteTableAssociation { subnet, route_table },
    MainRouteTableAssociation { vpc, route_table },
    Peering { vpc, peer_vpc, peer_region, inter_region_assumed, requester_dns_resolution, accepter_dns_resolution },
    PeeringAccepter { peering, accepter_dns_resolution },
    PeeringOptions { peering, requester_dns_resolution, accepter_dns_resolution },
    VpnGateway { vpc },
    VpnGatewayAttachment { vpc, vpn_gateway },
    VgwRoutePropagation { vpn_gateway, route_tables },
    VpnConnection { vpn_gateway, transit_gateway, customer_gateway, static_routes_only, static_routes },
    VpnConnectionRoute { connection, destination },
    TransitGatewayVpcAttachment { vpc, transit_gateway, subnets, dns_support, default_association, default_propagation },
    TransitGateway { default_association, default_propagation, association_default_table, propagation_default_table },
    TgwPeeringAttachment { transit_gateway, peer_transit_gateway, peer_region },
    TgwAttachmentAccepter { attachment, default_association, default_propagation },
    TgwRouteTable { transit_gateway },
    TgwTableLink { attachment, route_table },
    TgwRoute { route_table, destination, attachment, blackhole, prefix_list },
    TgwDefaultTable { transit_gateway, route_table, propagation },
    Firewall { vpc, subnets, transit_gateway },
    CoreNetwork { policy },
    CorePolicyAttachment { core_network, policy },
    CloudWanAttachment { core_network, vpc, subnets, tags },
    CloudWanAccepter { attachment },
    EndpointService { load_balancers, private_dns_name },
    LbListener { load_balancer, port, protocol },
    DxGatewayAssociation { dx_gateway, associated_gateway },
    Compute { kind, instance_types, template, subnets },
    LaunchTemplate { instance_types, subnets, instance_requirements },
    NetworkInterface { subnet },
    Endpoint { vpc, endpoint_type, service_name, subnets, security_groups, private_dns },
    SecurityGroup { vpc, ingress, default_of_vpc },
    SecurityGroupIngress { group, rule },
    IngressRule { protocol, from_port, to_port, cidrs, source_security_groups, self_referencing, prefix_lists, span },
    EndpointAssociation { endpoint, subnet, security_group },
    DhcpOptions { domain_name_servers },
    DhcpOptionsAssociation { vpc, dhcp_options },
    ResolverEndpoint { direction, subnets, ips },
    ResolverRule { domain_name, rule_type, resolver_endpoint, target_ips },
    ResolverRuleAssociation { rule, vpc },
    HostedZone { name, vpcs },
    HostedZoneAssociation { zone, vpc },
    DnsRecord { zone, zone_name, entries },
    RecordEntry { name, record_type, targets, span },
    EndpointPrivateDns { endpoint, enabled },
    RamShare { resources },
    Directory { directory_type, vpc, subnets },
    Route53ProfileAssociation { profile, vpc, priority },
    Route53ProfileResourceAssociation { profile, resource },
}

impl VisitProps for Kind {
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
        match self {
            Kind::Vpc(x) => x.visit_props(path, f),
            Kind::VpcCidrBlock(x) => x.visit_props(path, f),
            Kind::Subnet(x) => x.visit_props(path, f),
            Kind::RouteTable(x) => x.visit_props(path, f),
            Kind::Route(x) => x.visit_props(path, f),
            Kind::RouteTableAssociation(x) => x.visit_props(path, f),
            Kind::MainRouteTableAssociation(x) => x.visit_props(path, f),
            Kind::Peering(x) => x.visit_props(path, f),
            Kind::PeeringAccepter(x) => x.visit_props(path, f),
            Kind::PeeringOptions(x) => x.visit_props(path, f),
            Kind::VpnGateway(x) => x.visit_props(path, f),
            Kind::VpnGatewayAttachment(x) => x.visit_props(path, f),
            Kind::VgwRoutePropagation(x) => x.visit_props(path, f),
            Kind::VpnConnection(x) => x.visit_props(path, f),
            Kind::VpnConnectionRoute(x) => x.visit_props(path, f),
            Kind::TransitGatewayVpcAttachment(x) => x.visit_props(path, f),
            Kind::TransitGateway(x) => x.visit_props(path, f),
            Kind::TgwPeeringAttachment(x) => x.visit_props(path, f),
            Kind::TgwAttachmentAccepter(x) => x.visit_props(path, f),
            Kind::TgwRouteTable(x) => x.visit_props(path, f),
            Kind::TgwAssociation(x) | Kind::TgwPropagation(x) => x.visit_props(path, f),
            Kind::TgwRoute(x) => x.visit_props(path, f),
            Kind::TgwDefaultTable(x) => x.visit_props(path, f),
            Kind::Firewall(x) => x.visit_props(path, f),
            Kind::CoreNetwork(x) => x.visit_props(path, f),
            Kind::CorePolicyAttachment(x) => x.visit_props(path, f),
            Kind::CloudWanAttachment(x) => x.visit_props(path, f),
            Kind::CloudWanAccepter(x) => x.visit_props(path, f),
            Kind::EndpointService(x) => x.visit_props(path, f),
            Kind::LbListener(x) => x.visit_props(path, f),
            Kind::DxGatewayAssociation(x) => x.visit_props(path, f),
            Kind::Compute(x) => x.visit_props(path, f),
            Kind::LaunchTemplate(x) => x.visit_props(path, f),
            Kind::NetworkInterface(x) => x.visit_props(path, f),
            Kind::Endpoint(x) => x.visit_props(path, f),
            Kind::SecurityGroup(x) => x.visit_props(path, f),
            Kind::SecurityGroupIngress(x) => x.visit_props(path, f),
            Kind::EndpointAssociation(x) => x.visit_props(path, f),
            Kind::DhcpOptions(x) => x.visit_props(path, f),
            Kind::DhcpOptionsAssociation(x) => x.visit_props(path, f),
            Kind::ResolverEndpoint(x) => x.visit_props(path, f),
            Kind::ResolverRule(x) => x.visit_props(path, f),
            Kind::ResolverRuleAssociation(x) => x.visit_props(path, f),
            Kind::HostedZone(x) => x.visit_props(path, f),
            Kind::HostedZoneAssociation(x) | Kind::ZoneAssociationAuthorization(x) => {
                x.visit_props(path, f);
            }
            Kind::DnsRecord(x) => x.visit_props(path, f),
            Kind::EndpointPrivateDns(x) => x.visit_props(path, f),
            Kind::RamShare(x) => x.visit_props(path, f),
            Kind::Directory(x) => x.visit_props(path, f),
            Kind::Route53ProfileAssociation(x) => x.visit_props(path, f),
            Kind::Route53ProfileResourceAssociation(x) => x.visit_props(path, f),
            Kind::InternetGateway
            | Kind::NatGateway
            | Kind::EgressOnlyInternetGateway
            | Kind::CustomerGateway
            | Kind::DxGateway
            | Kind::Route53Profile
            | Kind::Other => {}
        }
    }
}

impl VisitProps for Resource {
    /// The resource's region and its kind's properties (paths start with `.`).
    fn visit_props(&mut self, path: &str, f: &mut Visit<'_>) {
        self.region.visit_props(&format!("{path}.region"), f);
        self.kind.visit_props(path, f);
    }
}
