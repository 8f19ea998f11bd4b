//! CloudFormation (one template) → graph elements.
//!
//! Literals are Known, `Ref`/`Fn::GetAtt` to a resource of the template are references;
//! parameters, conditions, mappings, imports and the other intrinsics are Unknown with their
//! reason, until the evaluator lands. `AWS::Region` is `--region` when given.

use std::collections::HashMap;

use super::{LowerError, ParsedFile, Props, Scalar};
use crate::model::{
    Compute, ComputeKind, DhcpOptions, DhcpOptionsAssociation, Directory, DxGatewayAssociation,
    Endpoint, Graph, HostedZone, IngressRule, Kind, LaunchTemplate, ListProp, Peering, Prop,
    RefProp, ResolverEndpoint, ResolverRule, ResolverRuleAssociation, ResourceId, Route,
    Route53ProfileAssociation, Route53ProfileResourceAssociation, RouteResource, RouteTable,
    RouteTableAssociation, RouteTarget, SecurityGroup, SecurityGroupIngress, Subnet, TargetKind,
    TransitGatewayVpcAttachment, Val, VgwRoutePropagation, Vpc, VpcCidrBlock, VpnConnection,
    VpnConnectionRoute, VpnGateway, VpnGatewayAttachment,
};
use crate::source::{FileId, Span};
use crate::syntax::tree::{Node, Value};

const ROUTE_TARGETS: &[(&str, TargetKind)] = &[
    ("GatewayId", TargetKind::Gateway),
    ("VpcPeeringConnectionId", TargetKind::VpcPeering),
    ("TransitGatewayId", TargetKind::TransitGateway),
    ("NatGatewayId", TargetKind::NatGateway),
    ("EgressOnlyInternetGatewayId", TargetKind::EgressOnlyGateway),
    ("NetworkInterfaceId", TargetKind::NetworkInterface),
    ("InstanceId", TargetKind::Instance),
    ("VpcEndpointId", TargetKind::VpcEndpoint),
    ("CarrierGatewayId", TargetKind::CarrierGateway),
    ("LocalGatewayId", TargetKind::LocalGateway),
    ("CoreNetworkArn", TargetKind::CoreNetwork),
];

struct Scope<'a> {
    resources: HashMap<&'a str, ResourceId>,
    parameters: HashMap<&'a str, &'a Node>,
    region: Option<String>,
}

/// Options of the CloudFormation lowering (`vpclint check` flags in `cli/cloudformation.rs`).
#[derive(Clone, Debug, Default)]
pub struct CloudFormationOptions {
    /// The region templates are deployed to (`--region`): `AWS::Region`, and what a
    /// `PeerRegion` is compared with.
    pub region: Option<String>,
}

/// Lowers every CloudFormation template; each is its own scope.
pub fn lower_all(
    files: &[ParsedFile],
    options: &CloudFormationOptions,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    for f in files {
        if let ParsedFile::CloudFormation { file, root } = f {
            lower_template(*file, root, options, graph, errors);
        }
    }
}

/// Lowers one template's `Resources`.
fn lower_template(
    file: FileId,
    root: &Node,
    options: &CloudFormationOptions,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let Some(resources) = root.get("Resources") else {
        return;
    };
    let Some(entries) = resources.as_map() else {
        errors.push(LowerError {
            span: Span::new(file, resources.span.clone()),
            message: "`Resources` must be a map of logical ids to resources".to_owned(),
        });
        return;
    };
    let mut scope = Scope {
        resources: HashMap::new(),
        parameters: HashMap::new(),
        region: options.region.clone(),
    };
    if let Some(params) = root.get("Parameters").and_then(Node::as_map) {
        for p in params {
            scope.parameters.insert(p.key.as_str(), &p.value);
        }
    }
    let mut pending = Vec::new();
    for entry in entries {
        let decl = Span::new(file, entry.key_span.clone());
        let type_name = entry.value.get("Type").and_then(|t| match &t.value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
        let Some(type_name) = type_name else {
            let span = entry
                .value
                .get("Type")
                .map_or(decl, |t| Span::new(file, t.span.clone()));
            errors.push(LowerError {
                span,
                message: format!(
                    "resource {} has no `Type` string; it is not analysed",
                    entry.key
                ),
            });
            continue;
        };
        let id = graph.reserve(entry.key.clone(), type_name, decl);
        scope.resources.insert(entry.key.as_str(), id);
        pending.push((id, entry));
    }
    for (id, entry) in pending {
        let decl = graph.get(id).span;
        let empty = Node::new(Value::Map(Vec::new()), entry.value.span.clone());
        let properties = entry.value.get("Properties").unwrap_or(&empty);
        let ctx = Ctx {
            file,
            scope: &scope,
            node: properties,
            decl,
        };
        let region = scope.region.as_ref().map(|r| Prop::known(r.clone(), decl));
        let type_name = graph.get(id).type_name.clone();
        let kind = lower_resource(&type_name, &ctx);
        graph.set(id, region, kind);
    }
}

struct Ctx<'a> {
    file: FileId,
    scope: &'a Scope<'a>,
    /// The map whose keys are the properties being read.
    node: &'a Node,
    decl: Span,
}

impl<'a> Ctx<'a> {
    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.span.clone())
    }

    fn with(&self, node: &'a Node) -> Ctx<'a> {
        Ctx {
            file: self.file,
            scope: self.scope,
            node,
            decl: Span::new(self.file, node.span.clone()),
        }
    }

    /// A nested map property (`LaunchTemplateData`).
    fn child(&self, key: &str) -> Option<Ctx<'a>> {
        let node = self.node.get(key)?;
        node.as_map().map(|_| self.with(node))
    }

    /// A list-of-maps property (`NetworkInterfaces`, `Overrides`).
    fn children(&self, key: &str) -> Vec<Ctx<'a>> {
        self.node
            .get(key)
            .and_then(Node::as_seq)
            .map(|items| {
                items
                    .iter()
                    .filter(|n| n.as_map().is_some())
                    .map(|n| self.with(n))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn value(&self, node: &Node) -> Prop<Scalar> {
        let span = self.span(node);
        let val = match &node.value {
            Value::String(s) => Val::Known(Scalar::Str(s.clone())),
            Value::Number(n) => Val::Known(Scalar::Num(n.clone())),
            Value::Bool(b) => Val::Known(Scalar::Bool(*b)),
            Value::Null => Val::Unknown("null".to_owned()),
            Value::Tagged(tag, _) => Val::Unknown(format!("the tag {tag} is not understood")),
            Value::Seq(_) => Val::Unknown("a list where a single value was expected".to_owned()),
            Value::Map(_) => match node.as_intrinsic() {
                Some((name, arg)) => self.intrinsic(name, arg),
                None => Val::Unknown("a map where a single value was expected".to_owned()),
            },
        };
        Prop { val, span }
    }

    fn intrinsic(&self, name: &str, arg: &Node) -> Val<Scalar> {
        match name {
            "Ref" => {
                let Some(target) = arg.as_scalar_str() else {
                    return Val::Unknown("Ref takes a name".to_owned());
                };
                if let Some(&id) = self.scope.resources.get(target) {
                    return Val::Ref(id, "Ref".to_owned());
                }
                if target == "AWS::Region" {
                    return match &self.scope.region {
                        Some(r) => Val::Known(Scalar::Str(r.clone())),
                        None => Val::Unknown("AWS::Region is not known (pass --region)".to_owned()),
                    };
                }
                if target.starts_with("AWS::") {
                    return Val::Unknown(format!("the pseudo parameter {target} is not known"));
                }
                if self.scope.parameters.contains_key(target) {
                    return Val::Unknown(format!(
                        "{target} is a parameter (parameters are not evaluated yet)"
                    ));
                }
                Val::Unknown(format!("Ref {target}: no such resource or parameter"))
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match &arg.value {
                    Value::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_owned(), a.to_owned()),
                        None => {
                            return Val::Unknown("Fn::GetAtt needs Resource.Attribute".to_owned())
                        }
                    },
                    Value::Seq(items) if items.len() == 2 => {
                        match (items[0].as_scalar_str(), items[1].as_scalar_str()) {
                            (Some(r), Some(a)) => (r.to_owned(), a.to_owned()),
                            _ => {
                                return Val::Unknown(
                                    "Fn::GetAtt with a computed name is not evaluated yet"
                                        .to_owned(),
                                )
                            }
                        }
                    }
                    _ => return Val::Unknown("Fn::GetAtt needs [Resource, Attribute]".to_owned()),
                };
                match self.scope.resources.get(resource.as_str()) {
                    Some(&id) => Val::Ref(id, attribute),
                    None => Val::Unknown(format!("Fn::GetAtt {resource}: no such resource")),
                }
            }
            "Fn::Sub" => match &arg.value {
                Value::String(s) if !s.contains("${") => Val::Known(Scalar::Str(s.clone())),
                _ => Val::Unknown("Fn::Sub with variables is not evaluated yet".to_owned()),
            },
            other => Val::Unknown(format!("{other} is not evaluated yet")),
        }
    }
}

impl Props for Ctx<'_> {
    fn decl_span(&self) -> Span {
        self.decl
    }

    fn scalar(&self, key: &str) -> Option<Prop<Scalar>> {
        self.node.get(key).map(|n| self.value(n))
    }

    fn list(&self, key: &str) -> Option<ListProp<Scalar>> {
        let node = self.node.get(key)?;
        let span = self.span(node);
        Some(match &node.value {
            Value::Seq(items) => Prop::known(items.iter().map(|n| self.value(n)).collect(), span),
            _ => match self.value(node).val {
                Val::Ref(id, attr) => Prop {
                    val: Val::Ref(id, attr),
                    span,
                },
                Val::Unknown(reason) => Prop::unknown(reason, span),
                Val::Known(_) => Prop::unknown("a single value where a list was expected", span),
            },
        })
    }
}

#[allow(clippy::too_many_lines)]
fn lower_resource(type_name: &str, r: &Ctx<'_>) -> Kind {
    match type_name {
        "AWS::EC2::VPC" => Kind::Vpc(Vpc {
            cidr: r.cidr("CidrBlock"),
            dns_support: r.boolean("EnableDnsSupport"),
            dns_hostnames: r.boolean("EnableDnsHostnames"),
            tenancy: r.string("InstanceTenancy"),
        }),
        "AWS::EC2::VPCCidrBlock" => Kind::VpcCidrBlock(VpcCidrBlock {
            vpc: r.required_reference("VpcId"),
            cidr: r.cidr("CidrBlock"),
        }),
        "AWS::EC2::Subnet" => Kind::Subnet(Subnet {
            vpc: r.required_reference("VpcId"),
            cidr: r.cidr("CidrBlock"),
            availability_zone: r
                .string("AvailabilityZone")
                .or_else(|| r.string("AvailabilityZoneId")),
            ipv6_native: r.boolean("Ipv6Native"),
        }),
        "AWS::EC2::RouteTable" => Kind::RouteTable(RouteTable {
            vpc: r.required_reference("VpcId"),
            routes: Vec::new(),
            propagating_vgws: Vec::new(),
            main_of_vpc: None,
        }),
        "AWS::EC2::Route" => Kind::Route(RouteResource {
            route_table: r.required_reference("RouteTableId"),
            route: route(r),
        }),
        "AWS::EC2::SubnetRouteTableAssociation" => {
            Kind::RouteTableAssociation(RouteTableAssociation {
                subnet: r.reference("SubnetId"),
                route_table: r.required_reference("RouteTableId"),
            })
        }
        "AWS::EC2::VPCPeeringConnection" => {
            let peer_region = r.string("PeerRegion");
            let inter_region_assumed = r.scope.region.is_none()
                && peer_region
                    .as_ref()
                    .is_some_and(|p| p.known_value().is_some());
            Kind::Peering(Peering {
                vpc: r.required_reference("VpcId"),
                peer_vpc: r.required_reference("PeerVpcId"),
                peer_region,
                inter_region_assumed,
                // CloudFormation has no property for peering DNS resolution.
                requester_dns_resolution: None,
                accepter_dns_resolution: None,
            })
        }
        "AWS::EC2::InternetGateway" => Kind::InternetGateway,
        "AWS::EC2::NatGateway" => Kind::NatGateway,
        "AWS::EC2::EgressOnlyInternetGateway" => Kind::EgressOnlyInternetGateway,
        "AWS::EC2::VPCGatewayAttachment" => match r.reference("VpnGatewayId") {
            Some(vgw) => Kind::VpnGatewayAttachment(VpnGatewayAttachment {
                vpc: r.required_reference("VpcId"),
                vpn_gateway: vgw,
            }),
            None => Kind::Other,
        },
        "AWS::EC2::VPNGateway" => Kind::VpnGateway(VpnGateway { vpc: None }),
        "AWS::EC2::VPNGatewayRoutePropagation" => Kind::VgwRoutePropagation(VgwRoutePropagation {
            vpn_gateway: r.required_reference("VpnGatewayId"),
            route_tables: known_items(r.references("RouteTableIds")),
        }),
        "AWS::EC2::CustomerGateway" => Kind::CustomerGateway,
        "AWS::EC2::VPNConnection" => Kind::VpnConnection(VpnConnection {
            vpn_gateway: r.reference("VpnGatewayId"),
            transit_gateway: r.reference("TransitGatewayId"),
            customer_gateway: r.reference("CustomerGatewayId"),
            static_routes_only: r.boolean("StaticRoutesOnly"),
            static_routes: Vec::new(),
        }),
        "AWS::EC2::VPNConnectionRoute" => Kind::VpnConnectionRoute(VpnConnectionRoute {
            connection: r.required_reference("VpnConnectionId"),
            destination: r
                .cidr("DestinationCidrBlock")
                .unwrap_or_else(|| Prop::unknown("DestinationCidrBlock is not set", r.decl)),
        }),
        "AWS::EC2::TransitGateway" => Kind::TransitGateway,
        "AWS::EC2::TransitGatewayVpcAttachment" | "AWS::EC2::TransitGatewayAttachment" => {
            Kind::TransitGatewayVpcAttachment(TransitGatewayVpcAttachment {
                vpc: r.required_reference("VpcId"),
                transit_gateway: r.required_reference("TransitGatewayId"),
                subnets: r.references("SubnetIds"),
                dns_support: r.child("Options").and_then(|o| o.string("DnsSupport")),
            })
        }
        "AWS::DirectConnect::DirectConnectGateway" => Kind::DxGateway,
        "AWS::DirectConnect::DirectConnectGatewayAssociation" => {
            Kind::DxGatewayAssociation(DxGatewayAssociation {
                dx_gateway: r.required_reference("DirectConnectGatewayId"),
                associated_gateway: r.required_reference("AssociatedGatewayId"),
            })
        }
        "AWS::EC2::Instance" => {
            let mut subnets: Vec<RefProp> = r.reference("SubnetId").into_iter().collect();
            subnets.extend(
                r.children("NetworkInterfaces")
                    .iter()
                    .filter_map(|ni| ni.reference("SubnetId")),
            );
            Kind::Compute(Compute {
                kind: ComputeKind::Instance,
                instance_types: r.string("InstanceType").into_iter().collect(),
                template: r.child("LaunchTemplate").and_then(|lt| template_ref(&lt)),
                subnets: (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl)),
            })
        }
        "AWS::EC2::LaunchTemplate" => {
            let data = r.child("LaunchTemplateData");
            let subnets: Vec<RefProp> = data
                .iter()
                .flat_map(|d| d.children("NetworkInterfaces"))
                .filter_map(|ni| ni.reference("SubnetId"))
                .collect();
            Kind::LaunchTemplate(LaunchTemplate {
                instance_types: data
                    .as_ref()
                    .and_then(|d| d.string("InstanceType"))
                    .into_iter()
                    .collect(),
                subnets: (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl)),
                instance_requirements: data
                    .as_ref()
                    .and_then(|d| d.child("InstanceRequirements"))
                    .map(|c| c.decl),
            })
        }
        "AWS::AutoScaling::LaunchConfiguration" => Kind::LaunchTemplate(LaunchTemplate {
            instance_types: r.string("InstanceType").into_iter().collect(),
            subnets: None,
            instance_requirements: None,
        }),
        "AWS::AutoScaling::AutoScalingGroup" => {
            let mixed = r
                .child("MixedInstancesPolicy")
                .and_then(|m| m.child("LaunchTemplate"));
            let types: Vec<Prop<String>> = mixed
                .iter()
                .flat_map(|lt| lt.children("Overrides"))
                .filter_map(|o| o.string("InstanceType"))
                .collect();
            let template = mixed
                .as_ref()
                .and_then(|lt| lt.child("LaunchTemplateSpecification"))
                .and_then(|spec| template_ref(&spec))
                .or_else(|| r.child("LaunchTemplate").and_then(|lt| template_ref(&lt)))
                .or_else(|| r.reference("LaunchConfigurationName"));
            Kind::Compute(Compute {
                kind: ComputeKind::AutoScalingGroup,
                instance_types: types,
                template,
                subnets: r.references("VPCZoneIdentifier"),
            })
        }
        "AWS::EKS::Nodegroup" => Kind::Compute(Compute {
            kind: ComputeKind::EksNodeGroup,
            instance_types: known_items(r.strings("InstanceTypes")),
            template: r
                .child("LaunchTemplate")
                .and_then(|lt| lt.reference("Id").or_else(|| lt.reference("Name"))),
            subnets: r.references("Subnets"),
        }),
        "AWS::EC2::VPCEndpoint" => Kind::Endpoint(Endpoint {
            vpc: r.required_reference("VpcId"),
            endpoint_type: r.string("VpcEndpointType"),
            service_name: r.string("ServiceName"),
            subnets: r.references("SubnetIds"),
            security_groups: r.references("SecurityGroupIds"),
            private_dns: r.boolean("PrivateDnsEnabled"),
        }),
        "AWS::EC2::SecurityGroup" => Kind::SecurityGroup(SecurityGroup {
            vpc: r.reference("VpcId"),
            ingress: r
                .children("SecurityGroupIngress")
                .iter()
                .map(ingress_rule)
                .collect(),
            default_of_vpc: None,
        }),
        "AWS::EC2::SecurityGroupIngress" => Kind::SecurityGroupIngress(SecurityGroupIngress {
            group: r.required_reference("GroupId"),
            rule: ingress_rule(r),
        }),
        "AWS::EC2::DHCPOptions" => Kind::DhcpOptions(DhcpOptions {
            domain_name_servers: r.strings("DomainNameServers"),
        }),
        "AWS::EC2::VPCDHCPOptionsAssociation" => {
            Kind::DhcpOptionsAssociation(DhcpOptionsAssociation {
                vpc: r.required_reference("VpcId"),
                dhcp_options: r.required_reference("DhcpOptionsId"),
            })
        }
        "AWS::Route53Resolver::ResolverEndpoint" => {
            let addresses = r.children("IpAddresses");
            Kind::ResolverEndpoint(ResolverEndpoint {
                direction: r.string("Direction"),
                subnets: addresses
                    .iter()
                    .filter_map(|a| a.reference("SubnetId"))
                    .collect(),
                ips: addresses.iter().filter_map(|a| a.string("Ip")).collect(),
            })
        }
        "AWS::Route53Resolver::ResolverRule" => Kind::ResolverRule(ResolverRule {
            domain_name: r.string("DomainName"),
            rule_type: r.string("RuleType"),
            resolver_endpoint: r.reference("ResolverEndpointId"),
            target_ips: r
                .children("TargetIps")
                .iter()
                .filter_map(|t| t.string("Ip"))
                .collect(),
        }),
        "AWS::Route53Resolver::ResolverRuleAssociation" => {
            Kind::ResolverRuleAssociation(ResolverRuleAssociation {
                rule: r.required_reference("ResolverRuleId"),
                vpc: r.required_reference("VPCId"),
            })
        }
        "AWS::Route53::HostedZone" => Kind::HostedZone(HostedZone {
            name: r.string("Name"),
            vpcs: r
                .children("VPCs")
                .iter()
                .map(|v| v.required_reference("VPCId"))
                .collect(),
        }),
        "AWS::DirectoryService::SimpleAD" | "AWS::DirectoryService::MicrosoftAD" => {
            let settings = r.child("VpcSettings");
            Kind::Directory(Directory {
                directory_type: Some(Prop::known(
                    if type_name.ends_with("SimpleAD") {
                        "SimpleAD"
                    } else {
                        "MicrosoftAD"
                    }
                    .to_owned(),
                    r.decl,
                )),
                vpc: settings.as_ref().and_then(|s| s.reference("VpcId")),
                subnets: settings.as_ref().and_then(|s| s.references("SubnetIds")),
            })
        }
        "AWS::Route53Profiles::Profile" => Kind::Route53Profile,
        "AWS::Route53Profiles::ProfileAssociation" => {
            Kind::Route53ProfileAssociation(Route53ProfileAssociation {
                profile: r.required_reference("ProfileId"),
                vpc: r.required_reference("ResourceId"),
            })
        }
        "AWS::Route53Profiles::ProfileResourceAssociation" => {
            Kind::Route53ProfileResourceAssociation(Route53ProfileResourceAssociation {
                profile: r.required_reference("ProfileId"),
                resource: r.required_reference("ResourceArn"),
            })
        }
        _ => Kind::Other,
    }
}

fn route(r: &Ctx<'_>) -> Route {
    let destination = match r.cidr("DestinationCidrBlock") {
        Some(d) => d,
        None if r.node.get("DestinationPrefixListId").is_some() => {
            Prop::unknown("the destination is a managed prefix list", r.decl)
        }
        None if r.node.get("DestinationIpv6CidrBlock").is_some() => {
            Prop::unknown("an IPv6 destination", r.decl)
        }
        None => Prop::unknown("DestinationCidrBlock is not set", r.decl),
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
            target: Prop::unknown("the route names no target", r.decl),
        });
    Route {
        destination,
        target,
        span: r.decl,
    }
}

/// An inline `SecurityGroupIngress` entry or an `AWS::EC2::SecurityGroupIngress` (same
/// property names).
fn ingress_rule(i: &Ctx<'_>) -> IngressRule {
    let single = |p: RefProp| {
        let span = p.span;
        Prop::known(vec![p], span)
    };
    IngressRule {
        protocol: i.string("IpProtocol"),
        from_port: i.integer("FromPort"),
        to_port: i.integer("ToPort"),
        cidrs: i.cidr("CidrIp").map(|c| {
            let span = c.span;
            Prop::known(vec![c], span)
        }),
        source_security_groups: i.reference("SourceSecurityGroupId").map(single),
        self_referencing: None,
        prefix_lists: i.node.get("SourcePrefixListId").map(|n| i.span(n)),
        span: i.decl,
    }
}

fn template_ref(lt: &Ctx<'_>) -> Option<RefProp> {
    lt.reference("LaunchTemplateId")
        .or_else(|| lt.reference("LaunchTemplateName"))
}

fn known_items<T>(list: Option<ListProp<T>>) -> Vec<Prop<T>> {
    match list {
        Some(Prop {
            val: Val::Known(items),
            ..
        }) => items,
        Some(Prop {
            val: Val::Unknown(reason),
            span,
        }) => vec![Prop::unknown(reason, span)],
        Some(Prop {
            val: Val::Ref(..),
            span,
        }) => vec![Prop::unknown("a list read from another resource", span)],
        None => Vec::new(),
    }
}
