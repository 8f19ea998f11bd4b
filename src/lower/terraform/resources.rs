//! Terraform resource types → graph kinds: one flat match over resource types, over any
//! [`TfBlock`] (an evaluated HCL block, or a resource of a plan).

use super::super::{list_items, single, Props};
use crate::lower::cloudwan;
use crate::model::cloudwan as cloudwan_model;
use crate::model::cloudwan::{
    CloudWanAccepter, CloudWanAttachment, CoreNetwork, CorePolicyAttachment, Tags,
};
use crate::model::{
    Compute, ComputeKind, DhcpOptions, DhcpOptionsAssociation, Directory, DnsRecord,
    DxGatewayAssociation, Endpoint, EndpointAssociation, EndpointPrivateDns, EndpointService,
    Firewall, HostedZone, HostedZoneAssociation, IngressRule, Kind, LaunchTemplate, LbListener,
    MainRouteTableAssociation, NetworkInterface, Peering, PeeringAccepter, PeeringOptions, Prop,
    RamShare, RecordEntry, RefProp, ResolverEndpoint, ResolverRule, ResolverRuleAssociation, Route,
    Route53ProfileAssociation, Route53ProfileResourceAssociation, RouteResource, RouteTable,
    RouteTableAssociation, RouteTarget, SecurityGroup, SecurityGroupIngress, Subnet, SymStr,
    TargetKind, TgwAttachmentAccepter, TgwDefaultTable, TgwPeeringAttachment, TgwRoute,
    TgwRouteTable, TgwTableLink, TransitGateway, TransitGatewayVpcAttachment, Val,
    VgwRoutePropagation, Vpc, VpcCidrBlock, VpnConnection, VpnConnectionRoute, VpnGateway,
    VpnGatewayAttachment,
};
use crate::source::Span;

/// A resource body or nested block, with its properties and nested blocks.
pub(crate) trait TfBlock: Props + Sized {
    /// The nested blocks of a kind (`route`, `ingress`), `dynamic` ones expanded.
    fn blocks(&self, kind: &str) -> Vec<Self>;

    fn block(&self, kind: &str) -> Option<Self> {
        self.blocks(kind).into_iter().next()
    }

    /// The span of an argument that is set (not absent, not null).
    fn attr_span(&self, key: &str) -> Option<Span>;

    /// A map of strings (`tags`), Unknown when a key or value is not known.
    fn string_map(&self, key: &str) -> Option<Prop<Tags>>;
}

/// Route arguments that name a next hop, and what kind of hop each is.
const ROUTE_TARGETS: &[(&str, TargetKind)] = &[
    ("gateway_id", TargetKind::Gateway),
    ("vpc_peering_connection_id", TargetKind::VpcPeering),
    ("transit_gateway_id", TargetKind::TransitGateway),
    ("nat_gateway_id", TargetKind::NatGateway),
    ("egress_only_gateway_id", TargetKind::EgressOnlyGateway),
    ("network_interface_id", TargetKind::NetworkInterface),
    ("instance_id", TargetKind::Instance),
    ("vpc_endpoint_id", TargetKind::VpcEndpoint),
    ("carrier_gateway_id", TargetKind::CarrierGateway),
    ("local_gateway_id", TargetKind::LocalGateway),
    ("core_network_arn", TargetKind::CoreNetwork),
];

pub(crate) fn lower_resource<R: TfBlock>(type_name: &str, r: &R) -> Kind {
    match type_name {
        "aws_vpc" | "aws_default_vpc" => Kind::Vpc(Vpc {
            cidr: r.cidr("cidr_block"),
            dns_support: r.boolean("enable_dns_support"),
            dns_hostnames: r.boolean("enable_dns_hostnames"),
            tenancy: r.string("instance_tenancy"),
            default_vpc: type_name == "aws_default_vpc",
        }),
        "aws_vpc_ipv4_cidr_block_association" => Kind::VpcCidrBlock(VpcCidrBlock {
            vpc: r.required_reference("vpc_id"),
            cidr: r.cidr("cidr_block"),
        }),
        "aws_subnet" => Kind::Subnet(Subnet {
            vpc: r.required_reference("vpc_id"),
            cidr: r.cidr("cidr_block"),
            availability_zone: r
                .symbolic("availability_zone")
                .or_else(|| r.symbolic("availability_zone_id")),
            ipv6_native: r.boolean("ipv6_native"),
        }),
        "aws_route_table" => Kind::RouteTable(RouteTable {
            vpc: r.required_reference("vpc_id"),
            routes: r
                .blocks("route")
                .into_iter()
                .map(|b| route(&b, "cidr_block"))
                .collect(),
            propagating_vgws: list_items(r.references("propagating_vgws")),
            main_of_vpc: None,
        }),
        "aws_default_route_table" => {
            let main_of = r.required_reference("default_route_table_id");
            Kind::RouteTable(RouteTable {
                vpc: main_of.clone(),
                routes: r
                    .blocks("route")
                    .into_iter()
                    .map(|b| route(&b, "cidr_block"))
                    .collect(),
                propagating_vgws: list_items(r.references("propagating_vgws")),
                main_of_vpc: Some(main_of),
            })
        }
        "aws_route" => Kind::Route(RouteResource {
            route_table: r.required_reference("route_table_id"),
            route: route(r, "destination_cidr_block"),
        }),
        "aws_route_table_association" => Kind::RouteTableAssociation(RouteTableAssociation {
            subnet: r.reference("subnet_id"),
            route_table: r.required_reference("route_table_id"),
        }),
        "aws_main_route_table_association" => {
            Kind::MainRouteTableAssociation(MainRouteTableAssociation {
                vpc: r.required_reference("vpc_id"),
                route_table: r.required_reference("route_table_id"),
            })
        }
        "aws_vpc_peering_connection" => Kind::Peering(Peering {
            vpc: r.required_reference("vpc_id"),
            peer_vpc: r.required_reference("peer_vpc_id"),
            peer_region: r.symbolic("peer_region"),
            inter_region_assumed: false,
            requester_dns_resolution: dns_option(r, "requester"),
            accepter_dns_resolution: dns_option(r, "accepter"),
        }),
        "aws_vpc_peering_connection_accepter" => Kind::PeeringAccepter(PeeringAccepter {
            peering: r.required_reference("vpc_peering_connection_id"),
            accepter_dns_resolution: dns_option(r, "accepter"),
        }),
        "aws_vpc_peering_connection_options" => Kind::PeeringOptions(PeeringOptions {
            peering: r.required_reference("vpc_peering_connection_id"),
            requester_dns_resolution: dns_option(r, "requester"),
            accepter_dns_resolution: dns_option(r, "accepter"),
        }),
        "aws_internet_gateway" => Kind::InternetGateway,
        "aws_nat_gateway" => Kind::NatGateway,
        "aws_egress_only_internet_gateway" => Kind::EgressOnlyInternetGateway,
        "aws_vpn_gateway" => Kind::VpnGateway(VpnGateway {
            vpc: r.reference("vpc_id"),
        }),
        "aws_vpn_gateway_attachment" => Kind::VpnGatewayAttachment(VpnGatewayAttachment {
            vpc: r.required_reference("vpc_id"),
            vpn_gateway: r.required_reference("vpn_gateway_id"),
        }),
        "aws_vpn_gateway_route_propagation" => Kind::VgwRoutePropagation(VgwRoutePropagation {
            vpn_gateway: r.required_reference("vpn_gateway_id"),
            route_tables: vec![r.required_reference("route_table_id")],
        }),
        "aws_customer_gateway" => Kind::CustomerGateway,
        "aws_vpn_connection" => Kind::VpnConnection(VpnConnection {
            vpn_gateway: r.reference("vpn_gateway_id"),
            transit_gateway: r.reference("transit_gateway_id"),
            customer_gateway: r.reference("customer_gateway_id"),
            static_routes_only: r.boolean("static_routes_only"),
            static_routes: Vec::new(),
        }),
        "aws_vpn_connection_route" => Kind::VpnConnectionRoute(VpnConnectionRoute {
            connection: r.required_reference("vpn_connection_id"),
            destination: r.cidr("destination_cidr_block").unwrap_or_else(|| {
                Prop::unknown("destination_cidr_block is not set", r.decl_span())
            }),
        }),
        "aws_ec2_transit_gateway" => Kind::TransitGateway(TransitGateway {
            default_association: r.string("default_route_table_association"),
            default_propagation: r.string("default_route_table_propagation"),
            association_default_table: None,
            propagation_default_table: None,
        }),
        "aws_ec2_transit_gateway_vpc_attachment" => {
            Kind::TransitGatewayVpcAttachment(TransitGatewayVpcAttachment {
                vpc: r.required_reference("vpc_id"),
                transit_gateway: r.required_reference("transit_gateway_id"),
                subnets: r.references("subnet_ids"),
                dns_support: r.string("dns_support"),
                default_association: r.boolean("transit_gateway_default_route_table_association"),
                default_propagation: r.boolean("transit_gateway_default_route_table_propagation"),
            })
        }
        "aws_ec2_transit_gateway_vpc_attachment_accepter"
        | "aws_ec2_transit_gateway_peering_attachment_accepter" => {
            Kind::TgwAttachmentAccepter(TgwAttachmentAccepter {
                attachment: r.required_reference("transit_gateway_attachment_id"),
                default_association: r.boolean("transit_gateway_default_route_table_association"),
                default_propagation: r.boolean("transit_gateway_default_route_table_propagation"),
            })
        }
        "aws_ec2_transit_gateway_peering_attachment" => {
            Kind::TgwPeeringAttachment(TgwPeeringAttachment {
                transit_gateway: r.required_reference("transit_gateway_id"),
                peer_transit_gateway: r.required_reference("peer_transit_gateway_id"),
                peer_region: r.symbolic("peer_region"),
            })
        }
        "aws_ec2_transit_gateway_route_table" => Kind::TgwRouteTable(TgwRouteTable {
            transit_gateway: r.required_reference("transit_gateway_id"),
        }),
        "aws_ec2_transit_gateway_route_table_association" => Kind::TgwAssociation(TgwTableLink {
            attachment: r.required_reference("transit_gateway_attachment_id"),
            route_table: r.required_reference("transit_gateway_route_table_id"),
        }),
        "aws_ec2_transit_gateway_route_table_propagation" => Kind::TgwPropagation(TgwTableLink {
            attachment: r.required_reference("transit_gateway_attachment_id"),
            route_table: r.required_reference("transit_gateway_route_table_id"),
        }),
        "aws_ec2_transit_gateway_route" => Kind::TgwRoute(TgwRoute {
            route_table: r.required_reference("transit_gateway_route_table_id"),
            destination: r.cidr("destination_cidr_block").unwrap_or_else(|| {
                Prop::unknown("destination_cidr_block is not set", r.decl_span())
            }),
            attachment: r.reference("transit_gateway_attachment_id"),
            blackhole: r.boolean("blackhole"),
            prefix_list: false,
        }),
        "aws_ec2_transit_gateway_prefix_list_reference" => Kind::TgwRoute(TgwRoute {
            route_table: r.required_reference("transit_gateway_route_table_id"),
            destination: Prop::unknown(
                "the entries of a managed prefix list are not read",
                r.attr_span("prefix_list_id")
                    .unwrap_or_else(|| r.decl_span()),
            ),
            attachment: r.reference("transit_gateway_attachment_id"),
            blackhole: r.boolean("blackhole"),
            prefix_list: true,
        }),
        "aws_ec2_transit_gateway_default_route_table_association"
        | "aws_ec2_transit_gateway_default_route_table_propagation" => {
            Kind::TgwDefaultTable(TgwDefaultTable {
                transit_gateway: r.required_reference("transit_gateway_id"),
                route_table: r.required_reference("transit_gateway_route_table_id"),
                propagation: type_name.ends_with("_propagation"),
            })
        }
        "aws_networkfirewall_firewall" => Kind::Firewall(Firewall {
            vpc: r.reference("vpc_id"),
            subnets: {
                let subnets: Vec<RefProp> = r
                    .blocks("subnet_mapping")
                    .into_iter()
                    .filter_map(|m| m.reference("subnet_id"))
                    .collect();
                (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl_span()))
            },
            transit_gateway: r.reference("transit_gateway_id"),
        }),
        // Cloud WAN: the core network's policy comes from its policy attachment.
        "aws_networkmanager_core_network" => Kind::CoreNetwork(CoreNetwork { policy: None }),
        "aws_networkmanager_core_network_policy_attachment" => {
            Kind::CorePolicyAttachment(CorePolicyAttachment {
                core_network: r.required_reference("core_network_id"),
                policy: policy_document(r, "policy_document"),
            })
        }
        "aws_networkmanager_vpc_attachment" => Kind::CloudWanAttachment(CloudWanAttachment {
            core_network: r.required_reference("core_network_id"),
            vpc: r.required_reference("vpc_arn"),
            subnets: r.references("subnet_arns"),
            tags: r.string_map("tags"),
        }),
        "aws_networkmanager_attachment_accepter" => Kind::CloudWanAccepter(CloudWanAccepter {
            attachment: r.required_reference("attachment_id"),
        }),
        "aws_vpc_endpoint_service" => Kind::EndpointService(EndpointService {
            load_balancers: r.references("network_load_balancer_arns"),
            private_dns_name: r.symbolic("private_dns_name"),
        }),
        "aws_lb_listener" | "aws_alb_listener" => Kind::LbListener(LbListener {
            load_balancer: r.required_reference("load_balancer_arn"),
            port: r.integer("port"),
            protocol: r.string("protocol"),
        }),
        "aws_dx_gateway" => Kind::DxGateway,
        "aws_dx_gateway_association" => Kind::DxGatewayAssociation(DxGatewayAssociation {
            dx_gateway: r.required_reference("dx_gateway_id"),
            associated_gateway: r.required_reference("associated_gateway_id"),
        }),
        "aws_instance" => Kind::Compute(Compute {
            kind: ComputeKind::Instance,
            instance_types: r.string("instance_type").into_iter().collect(),
            template: r.block("launch_template").and_then(|lt| template_ref(&lt)),
            // `network_interface { network_interface_id = … }`: in the interface's subnet.
            subnets: r.reference("subnet_id").map(single).or_else(|| {
                let attached: Vec<RefProp> = r
                    .blocks("network_interface")
                    .into_iter()
                    .filter_map(|ni| ni.reference("network_interface_id"))
                    .collect();
                (!attached.is_empty()).then(|| Prop::known(attached, r.decl_span()))
            }),
        }),
        "aws_network_interface" => Kind::NetworkInterface(NetworkInterface {
            subnet: r.required_reference("subnet_id"),
        }),
        // A function in a VPC (`vpc_config`), an ECS service whose tasks have their own
        // interfaces (`network_configuration`, the `awsvpc` network mode): workloads in
        // those subnets, without instance types.
        "aws_lambda_function" => match r.block("vpc_config") {
            Some(vpc) => Kind::Compute(Compute {
                kind: ComputeKind::Function,
                instance_types: Vec::new(),
                template: None,
                subnets: vpc.references("subnet_ids"),
            }),
            None => Kind::Other,
        },
        "aws_ecs_service" => match r.block("network_configuration") {
            Some(net) => Kind::Compute(Compute {
                kind: ComputeKind::ContainerService,
                instance_types: Vec::new(),
                template: None,
                subnets: net.references("subnets"),
            }),
            None => Kind::Other,
        },
        "aws_launch_template" => Kind::LaunchTemplate(LaunchTemplate {
            instance_types: r.string("instance_type").into_iter().collect(),
            subnets: {
                let subnets: Vec<RefProp> = r
                    .blocks("network_interfaces")
                    .into_iter()
                    .filter_map(|ni| ni.reference("subnet_id"))
                    .collect();
                (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl_span()))
            },
            instance_requirements: r.block("instance_requirements").map(|b| b.decl_span()),
        }),
        "aws_launch_configuration" => Kind::LaunchTemplate(LaunchTemplate {
            instance_types: r.string("instance_type").into_iter().collect(),
            subnets: None,
            instance_requirements: None,
        }),
        "aws_autoscaling_group" => {
            let mixed = r
                .block("mixed_instances_policy")
                .and_then(|m| m.block("launch_template"));
            let (mut types, mut template) = (Vec::new(), None);
            if let Some(lt) = mixed {
                template = lt
                    .block("launch_template_specification")
                    .and_then(|spec| template_ref(&spec));
                types = lt
                    .blocks("override")
                    .into_iter()
                    .filter_map(|o| o.string("instance_type"))
                    .collect();
            }
            let template = template
                .or_else(|| r.block("launch_template").and_then(|lt| template_ref(&lt)))
                .or_else(|| r.reference("launch_configuration"));
            Kind::Compute(Compute {
                kind: ComputeKind::AutoScalingGroup,
                instance_types: types,
                template,
                subnets: r.references("vpc_zone_identifier"),
            })
        }
        "aws_eks_node_group" => Kind::Compute(Compute {
            kind: ComputeKind::EksNodeGroup,
            instance_types: list_items(r.strings("instance_types")),
            template: r.block("launch_template").and_then(|lt| template_ref(&lt)),
            subnets: r.references("subnet_ids"),
        }),
        "aws_vpc_endpoint" => Kind::Endpoint(Endpoint {
            vpc: r.required_reference("vpc_id"),
            endpoint_type: r.string("vpc_endpoint_type"),
            service_name: r.symbolic("service_name"),
            subnets: r.references("subnet_ids"),
            security_groups: r.references("security_group_ids"),
            private_dns: r.boolean("private_dns_enabled"),
        }),
        "aws_security_group" | "aws_default_security_group" => Kind::SecurityGroup(SecurityGroup {
            vpc: r.reference("vpc_id"),
            ingress: r
                .blocks("ingress")
                .into_iter()
                .map(|i| ingress_rule(&i))
                .collect(),
            default_of_vpc: (type_name == "aws_default_security_group")
                .then(|| r.required_reference("vpc_id")),
        }),
        "aws_security_group_rule" => {
            let is_ingress = r
                .string("type")
                .and_then(|t| t.known_value().cloned())
                .is_none_or(|t| t == "ingress");
            if is_ingress {
                Kind::SecurityGroupIngress(SecurityGroupIngress {
                    group: r.required_reference("security_group_id"),
                    rule: IngressRule {
                        source_security_groups: r.reference("source_security_group_id").map(single),
                        ..ingress_rule(r)
                    },
                })
            } else {
                Kind::Other
            }
        }
        "aws_vpc_security_group_ingress_rule" => Kind::SecurityGroupIngress(SecurityGroupIngress {
            group: r.required_reference("security_group_id"),
            rule: IngressRule {
                protocol: r.string("ip_protocol"),
                from_port: r.integer("from_port"),
                to_port: r.integer("to_port"),
                cidrs: r.cidr("cidr_ipv4").map(single),
                source_security_groups: r.reference("referenced_security_group_id").map(single),
                self_referencing: None,
                prefix_lists: r.attr_span("prefix_list_id"),
                span: r.decl_span(),
            },
        }),
        "aws_vpc_endpoint_subnet_association" | "aws_vpc_endpoint_security_group_association" => {
            Kind::EndpointAssociation(EndpointAssociation {
                endpoint: r.required_reference("vpc_endpoint_id"),
                subnet: r.reference("subnet_id"),
                security_group: r.reference("security_group_id"),
            })
        }
        "aws_vpc_dhcp_options" => Kind::DhcpOptions(DhcpOptions {
            domain_name_servers: r.strings("domain_name_servers"),
        }),
        "aws_vpc_dhcp_options_association" => {
            Kind::DhcpOptionsAssociation(DhcpOptionsAssociation {
                vpc: r.required_reference("vpc_id"),
                dhcp_options: r.required_reference("dhcp_options_id"),
            })
        }
        "aws_route53_resolver_endpoint" => Kind::ResolverEndpoint(ResolverEndpoint {
            direction: r.string("direction"),
            subnets: r
                .blocks("ip_address")
                .into_iter()
                .filter_map(|b| b.reference("subnet_id"))
                .collect(),
            ips: r
                .blocks("ip_address")
                .into_iter()
                .filter_map(|b| b.string("ip"))
                .collect(),
        }),
        "aws_route53_resolver_rule" => Kind::ResolverRule(ResolverRule {
            domain_name: r.symbolic("domain_name"),
            rule_type: r.string("rule_type"),
            resolver_endpoint: r.reference("resolver_endpoint_id"),
            target_ips: r
                .blocks("target_ip")
                .into_iter()
                .filter_map(|b| b.string("ip"))
                .collect(),
        }),
        "aws_route53_resolver_rule_association" => {
            Kind::ResolverRuleAssociation(ResolverRuleAssociation {
                rule: r.required_reference("resolver_rule_id"),
                vpc: r.required_reference("vpc_id"),
            })
        }
        "aws_route53_zone" => Kind::HostedZone(HostedZone {
            name: r.symbolic("name"),
            vpcs: r
                .blocks("vpc")
                .into_iter()
                .map(|b| b.required_reference("vpc_id"))
                .collect(),
        }),
        "aws_route53_zone_association" => Kind::HostedZoneAssociation(HostedZoneAssociation {
            zone: r.required_reference("zone_id"),
            vpc: r.required_reference("vpc_id"),
        }),
        "aws_route53_vpc_association_authorization" => {
            Kind::ZoneAssociationAuthorization(HostedZoneAssociation {
                zone: r.required_reference("zone_id"),
                vpc: r.required_reference("vpc_id"),
            })
        }
        "aws_route53_record" => Kind::DnsRecord(DnsRecord {
            zone: r.required_reference("zone_id"),
            zone_name: None,
            entries: vec![RecordEntry {
                name: r.symbolic("name"),
                record_type: r.string("type"),
                targets: record_targets(r),
                span: r.decl_span(),
            }],
        }),
        "aws_vpc_endpoint_private_dns" => Kind::EndpointPrivateDns(EndpointPrivateDns {
            endpoint: r.required_reference("vpc_endpoint_id"),
            enabled: r.boolean("private_dns_enabled"),
        }),
        "aws_directory_service_directory" => {
            let settings = r
                .block("vpc_settings")
                .or_else(|| r.block("connect_settings"));
            Kind::Directory(Directory {
                directory_type: r.string("type"),
                vpc: settings.as_ref().and_then(|s| s.reference("vpc_id")),
                subnets: settings.as_ref().and_then(|s| s.references("subnet_ids")),
            })
        }
        "aws_route53profiles_profile" => Kind::Route53Profile,
        "aws_ram_resource_association" => Kind::RamShare(RamShare {
            resources: r.reference("resource_arn").map(single),
        }),
        "aws_route53profiles_association" => {
            Kind::Route53ProfileAssociation(Route53ProfileAssociation {
                profile: r.required_reference("profile_id"),
                vpc: r.required_reference("resource_id"),
                priority: r.integer("priority"),
            })
        }
        "aws_route53profiles_resource_association" => {
            Kind::Route53ProfileResourceAssociation(Route53ProfileResourceAssociation {
                profile: r.required_reference("profile_id"),
                resource: r.required_reference("resource_arn"),
            })
        }
        _ => Kind::Other,
    }
}

/// What an `aws_route53_record` answers with: its alias target and its record values.
fn record_targets<R: TfBlock>(r: &R) -> Vec<Prop<SymStr>> {
    let mut targets: Vec<Prop<SymStr>> = r
        .blocks("alias")
        .into_iter()
        .filter_map(|b| b.symbolic("name"))
        .collect();
    targets.extend(list_items(r.strings("records")).into_iter().map(|p| Prop {
        span: p.span,
        val: match p.val {
            Val::Known(s) => Val::Known(SymStr::literal(&s)),
            Val::Ref(id, attr) => Val::Ref(id, attr),
            Val::Unknown(why) => Val::Unknown(why),
        },
    }));
    targets
}

/// An `ingress {}` block or an `aws_security_group_rule` (same argument names).
fn ingress_rule<R: TfBlock>(i: &R) -> IngressRule {
    IngressRule {
        protocol: i.string("protocol"),
        from_port: i.integer("from_port"),
        to_port: i.integer("to_port"),
        cidrs: i.cidrs("cidr_blocks"),
        source_security_groups: i.references("security_groups"),
        self_referencing: i.boolean("self"),
        prefix_lists: i.attr_span("prefix_list_ids"),
        span: i.decl_span(),
    }
}

/// A route from an inline `route {}` block or an `aws_route` resource.
fn route<R: TfBlock>(r: &R, destination_key: &str) -> Route {
    let destination = match r.cidr(destination_key) {
        Some(d) => d,
        None if r.attr_span("destination_prefix_list_id").is_some() => {
            Prop::unknown("the destination is a managed prefix list", r.decl_span())
        }
        None if r.attr_span("ipv6_cidr_block").is_some()
            || r.attr_span("destination_ipv6_cidr_block").is_some() =>
        {
            Prop::unknown("an IPv6 destination", r.decl_span())
        }
        None => Prop::unknown(format!("{destination_key} is not set"), r.decl_span()),
    };
    let target = ROUTE_TARGETS
        .iter()
        .find_map(|(key, kind)| {
            r.reference(key).map(|target| RouteTarget {
                kind: *kind,
                target,
            })
        })
        .unwrap_or_else(|| RouteTarget {
            kind: TargetKind::Unknown,
            target: Prop::unknown("the route names no target", r.decl_span()),
        });
    Route {
        destination,
        target,
        span: r.decl_span(),
    }
}

/// `launch_template { id = … }` or `{ name = … }`.
fn template_ref<R: TfBlock>(lt: &R) -> Option<RefProp> {
    lt.reference("id")
        .or_else(|| lt.reference("launch_template_id"))
        .or_else(|| lt.reference("name"))
        .or_else(|| lt.reference("launch_template_name"))
}

/// `requester { allow_remote_vpc_dns_resolution = … }`.
fn dns_option<R: TfBlock>(r: &R, side: &str) -> Option<Prop<bool>> {
    r.block(side)
        .and_then(|b| b.boolean("allow_remote_vpc_dns_resolution"))
}

/// A policy document argument: its JSON text read, or why it is not known.
fn policy_document<R: TfBlock>(r: &R, key: &str) -> Prop<cloudwan_model::Policy> {
    match r.string(key) {
        Some(Prop {
            val: Val::Known(text),
            span,
        }) => match cloudwan::from_json(&text) {
            Ok(policy) => Prop::known(policy, span),
            Err(reason) => Prop::unknown(reason, span),
        },
        Some(Prop {
            val: Val::Unknown(reason),
            span,
        }) => Prop::unknown(reason, span),
        Some(p) => Prop::unknown("the policy document is not a literal", p.span),
        None => Prop::unknown(format!("{key} is not set"), r.decl_span()),
    }
}
