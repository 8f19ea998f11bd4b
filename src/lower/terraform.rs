//! Terraform (one module directory) → graph elements.
//!
//! Values are read as written: literals are Known, `aws_x.name.attr` is a reference,
//! everything that needs evaluation (variables, locals, functions, modules, data sources)
//! is Unknown with its reason, until the evaluator lands.

use std::collections::HashMap;

use super::{LowerError, ParsedFile, Props, Scalar};
use crate::model::{
    Compute, ComputeKind, DhcpOptions, DhcpOptionsAssociation, Directory, DxGatewayAssociation,
    Endpoint, EndpointAssociation, Graph, HostedZone, HostedZoneAssociation, IngressRule, Kind,
    LaunchTemplate, ListProp, MainRouteTableAssociation, Peering, PeeringAccepter, PeeringOptions,
    Prop, RefProp, ResolverEndpoint, ResolverRule, ResolverRuleAssociation, ResourceId, Route,
    Route53ProfileAssociation, Route53ProfileResourceAssociation, RouteResource, RouteTable,
    RouteTableAssociation, RouteTarget, SecurityGroup, SecurityGroupIngress, Subnet, TargetKind,
    TransitGatewayVpcAttachment, Val, VgwRoutePropagation, Vpc, VpcCidrBlock, VpnConnection,
    VpnConnectionRoute, VpnGateway, VpnGatewayAttachment,
};
use crate::source::{FileId, Span};
use crate::syntax::hcl::{Body, Expr, ExprKind, TemplatePart};

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

/// The module's symbol table: resource addresses and provider regions.
struct Scope {
    resources: HashMap<String, ResourceId>,
    /// Provider configuration name (`aws`, `aws.peer`) → its region.
    regions: HashMap<String, Prop<String>>,
}

/// Options of the Terraform lowering (`vpclint check` flags in `cli/terraform.rs`).
#[derive(Clone, Debug, Default)]
pub struct TerraformOptions {}

/// Lowers every Terraform file: the files of one directory are one module.
pub fn lower_all(
    files: &[ParsedFile],
    paths: &dyn Fn(FileId) -> std::path::PathBuf,
    options: &TerraformOptions,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let _ = options;
    let mut modules: std::collections::BTreeMap<std::path::PathBuf, Vec<(FileId, &Body)>> =
        std::collections::BTreeMap::new();
    for f in files {
        if let ParsedFile::Terraform { file, body } = f {
            let dir = paths(*file)
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            modules.entry(dir).or_default().push((*file, body));
        }
    }
    for module in modules.values() {
        lower_module(module, graph, errors);
    }
}

/// Lowers the `.tf` files of one directory.
fn lower_module(files: &[(FileId, &Body)], graph: &mut Graph, errors: &mut Vec<LowerError>) {
    let mut scope = Scope {
        resources: HashMap::new(),
        regions: HashMap::new(),
    };
    let mut pending = Vec::new();
    for &(file, body) in files {
        for block in &body.blocks {
            match (block.kind.as_str(), block.labels.as_slice()) {
                ("resource", [ty, name]) => {
                    let address = format!("{}.{}", ty.value, name.value);
                    if scope.resources.contains_key(&address) {
                        // Terraform refuses duplicates; keep the first for references.
                        errors.push(LowerError {
                            span: Span::new(file, name.span.clone()),
                            message: format!(
                                "duplicate resource {address}: a resource with this address is \
                                 already declared in this module"
                            ),
                        });
                        continue;
                    }
                    let id = graph.reserve(
                        address.clone(),
                        ty.value.clone(),
                        Span::new(file, name.span.clone()),
                    );
                    scope.resources.insert(address, id);
                    pending.push((file, id, block));
                }
                ("provider", [name]) if name.value == "aws" => {
                    let ctx = Ctx {
                        file,
                        scope: &scope,
                        body: &block.body,
                        decl: Span::new(file, block.span.clone()),
                    };
                    let key = match ctx.string("alias").and_then(|a| a.known_value().cloned()) {
                        Some(alias) => format!("aws.{alias}"),
                        None => "aws".to_owned(),
                    };
                    if let Some(region) = ctx.string("region") {
                        scope.regions.insert(key, region);
                    }
                }
                _ => {}
            }
        }
    }
    for (file, id, block) in pending {
        let ctx = Ctx {
            file,
            scope: &scope,
            body: &block.body,
            decl: graph.get(id).span,
        };
        let region = ctx.region();
        let type_name = graph.get(id).type_name.clone();
        let kind = lower_resource(&type_name, &ctx);
        graph.set(id, region, kind);
    }
}

/// Property access over one block body.
struct Ctx<'a> {
    file: FileId,
    scope: &'a Scope,
    body: &'a Body,
    decl: Span,
}

impl<'a> Ctx<'a> {
    fn span(&self, expr: &Expr) -> Span {
        Span::new(self.file, expr.span.clone())
    }

    /// The nested blocks of a kind (`route`, `ingress`).
    fn blocks<'k>(&self, kind: &'k str) -> impl Iterator<Item = Ctx<'a>> + use<'a, 'k> {
        let (file, scope) = (self.file, self.scope);
        self.body
            .blocks
            .iter()
            .filter(move |b| b.kind == kind)
            .map(move |b| Ctx {
                file,
                scope,
                body: &b.body,
                decl: Span::new(file, b.span.clone()),
            })
    }

    fn block(&self, kind: &str) -> Option<Ctx<'a>> {
        self.blocks(kind).next()
    }

    /// The region of the resource's provider configuration (`provider = aws.peer`).
    fn region(&self) -> Option<Prop<String>> {
        let key = match self.body.attribute("provider") {
            Some(attr) => match attr.value.as_reference() {
                Some(parts) => parts.join("."),
                None => {
                    return Some(Prop::unknown(
                        "provider is not a plain reference",
                        self.span(&attr.value),
                    ))
                }
            },
            None => "aws".to_owned(),
        };
        self.scope.regions.get(&key).cloned()
    }

    fn value(&self, expr: &Expr) -> Prop<Scalar> {
        let span = self.span(expr);
        let val = match &expr.kind {
            ExprKind::String(s) => Val::Known(Scalar::Str(s.clone())),
            ExprKind::Bool(b) => Val::Known(Scalar::Bool(*b)),
            ExprKind::Number(n) => Val::Known(Scalar::Num(format_number(*n))),
            ExprKind::Null => Val::Unknown("null".to_owned()),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Variable(_) | ExprKind::Traversal(..) => self.reference_val(expr),
            ExprKind::Call { name, .. } => {
                Val::Unknown(format!("the result of {name}() is not evaluated yet"))
            }
            ExprKind::Conditional(..) => {
                Val::Unknown("a conditional expression is not evaluated yet".to_owned())
            }
            ExprKind::For(_) => Val::Unknown("a for expression is not evaluated yet".to_owned()),
            ExprKind::Unary(..) | ExprKind::Binary(..) => {
                Val::Unknown("an operator expression is not evaluated yet".to_owned())
            }
            ExprKind::Tuple(_) | ExprKind::Object(_) => {
                Val::Unknown("a collection where a single value was expected".to_owned())
            }
        };
        Prop { val, span }
    }

    fn template(&self, parts: &[TemplatePart]) -> Val<Scalar> {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(inner) => {
                    // `"${aws_vpc.a.id}"` is the reference itself.
                    if parts.len() == 1 {
                        return self.value(inner).val;
                    }
                    match self.value(inner).val {
                        Val::Known(s) => out.push_str(&s.into_string()),
                        Val::Ref(..) => {
                            return Val::Unknown(
                                "a string built from another resource's attribute".to_owned(),
                            )
                        }
                        Val::Unknown(reason) => return Val::Unknown(reason),
                    }
                }
                TemplatePart::Directive(_) => {
                    return Val::Unknown("a template directive is not evaluated yet".to_owned())
                }
            }
        }
        Val::Known(Scalar::Str(out))
    }

    fn reference_val(&self, expr: &Expr) -> Val<Scalar> {
        let Some(parts) = expr.as_reference() else {
            return Val::Unknown(
                "an expression with splats or computed indexes is not evaluated yet".to_owned(),
            );
        };
        let text = parts.join(".").replace(".[", "[");
        match parts[0].as_str() {
            "var" => Val::Unknown(format!(
                "{text} is a variable (variables are not evaluated yet)"
            )),
            "local" => Val::Unknown(format!(
                "{text} is a local value (locals are not evaluated yet)"
            )),
            "data" => Val::Unknown(format!("{text} is read from a data source")),
            "module" => Val::Unknown(format!(
                "{text} is a module output (modules are not evaluated yet)"
            )),
            "each" | "count" | "self" | "path" | "terraform" => {
                Val::Unknown(format!("{text} is not evaluated yet"))
            }
            _ => {
                let address = parts.iter().take(2).cloned().collect::<Vec<_>>().join(".");
                match self.scope.resources.get(&address) {
                    Some(&id) => {
                        let attr = parts
                            .iter()
                            .skip(2)
                            .find(|p| !p.starts_with('['))
                            .cloned()
                            .unwrap_or_default();
                        Val::Ref(id, attr)
                    }
                    None => Val::Unknown(format!(
                        "{text} refers to a resource not declared in this module"
                    )),
                }
            }
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let i = n as i64;
        i.to_string()
    } else {
        n.to_string()
    }
}

impl Props for Ctx<'_> {
    fn decl_span(&self) -> Span {
        self.decl
    }

    fn scalar(&self, key: &str) -> Option<Prop<Scalar>> {
        let attr = self.body.attribute(key)?;
        Some(self.value(&attr.value))
    }

    fn list(&self, key: &str) -> Option<ListProp<Scalar>> {
        let attr = self.body.attribute(key)?;
        let span = self.span(&attr.value);
        Some(match &attr.value.kind {
            ExprKind::Tuple(items) => {
                Prop::known(items.iter().map(|e| self.value(e)).collect(), span)
            }
            _ => match self.value(&attr.value).val {
                Val::Ref(id, a) => Prop {
                    val: Val::Ref(id, a),
                    span,
                },
                Val::Unknown(r) => Prop::unknown(r, span),
                Val::Known(_) => Prop::unknown("a single value where a list was expected", span),
            },
        })
    }
}

fn lower_resource(type_name: &str, r: &Ctx<'_>) -> Kind {
    match type_name {
        "aws_vpc" | "aws_default_vpc" => Kind::Vpc(Vpc {
            cidr: r.cidr("cidr_block"),
            dns_support: r.boolean("enable_dns_support"),
            dns_hostnames: r.boolean("enable_dns_hostnames"),
            tenancy: r.string("instance_tenancy"),
        }),
        "aws_vpc_ipv4_cidr_block_association" => Kind::VpcCidrBlock(VpcCidrBlock {
            vpc: r.required_reference("vpc_id"),
            cidr: r.cidr("cidr_block"),
        }),
        "aws_subnet" => Kind::Subnet(Subnet {
            vpc: r.required_reference("vpc_id"),
            cidr: r.cidr("cidr_block"),
            availability_zone: r
                .string("availability_zone")
                .or_else(|| r.string("availability_zone_id")),
            ipv6_native: r.boolean("ipv6_native"),
        }),
        "aws_route_table" => Kind::RouteTable(RouteTable {
            vpc: r.required_reference("vpc_id"),
            routes: r.blocks("route").map(|b| route(&b, "cidr_block")).collect(),
            propagating_vgws: ref_list(r, "propagating_vgws"),
            main_of_vpc: None,
        }),
        "aws_default_route_table" => {
            let main_of = r.required_reference("default_route_table_id");
            Kind::RouteTable(RouteTable {
                vpc: main_of.clone(),
                routes: r.blocks("route").map(|b| route(&b, "cidr_block")).collect(),
                propagating_vgws: ref_list(r, "propagating_vgws"),
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
            peer_region: r.string("peer_region"),
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
            destination: r
                .cidr("destination_cidr_block")
                .unwrap_or_else(|| Prop::unknown("destination_cidr_block is not set", r.decl)),
        }),
        "aws_ec2_transit_gateway" => Kind::TransitGateway,
        "aws_ec2_transit_gateway_vpc_attachment" => {
            Kind::TransitGatewayVpcAttachment(TransitGatewayVpcAttachment {
                vpc: r.required_reference("vpc_id"),
                transit_gateway: r.required_reference("transit_gateway_id"),
                subnets: r.references("subnet_ids"),
                dns_support: r.string("dns_support"),
            })
        }
        "aws_dx_gateway" => Kind::DxGateway,
        "aws_dx_gateway_association" => Kind::DxGatewayAssociation(DxGatewayAssociation {
            dx_gateway: r.required_reference("dx_gateway_id"),
            associated_gateway: r.required_reference("associated_gateway_id"),
        }),
        "aws_instance" => Kind::Compute(Compute {
            kind: ComputeKind::Instance,
            instance_types: r.string("instance_type").into_iter().collect(),
            template: r.block("launch_template").and_then(|lt| template_ref(&lt)),
            subnets: r.reference("subnet_id").map(single),
        }),
        "aws_launch_template" => Kind::LaunchTemplate(LaunchTemplate {
            instance_types: r.string("instance_type").into_iter().collect(),
            subnets: {
                let subnets: Vec<RefProp> = r
                    .blocks("network_interfaces")
                    .filter_map(|ni| ni.reference("subnet_id"))
                    .collect();
                (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl))
            },
            instance_requirements: r.block("instance_requirements").map(|b| b.decl),
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
            service_name: r.string("service_name"),
            subnets: r.references("subnet_ids"),
            security_groups: r.references("security_group_ids"),
            private_dns: r.boolean("private_dns_enabled"),
        }),
        "aws_security_group" | "aws_default_security_group" => Kind::SecurityGroup(SecurityGroup {
            vpc: r.reference("vpc_id"),
            ingress: r.blocks("ingress").map(|i| ingress_rule(&i)).collect(),
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
                cidrs: r.cidr("cidr_ipv4").map(|c| {
                    let span = c.span;
                    Prop::known(vec![c], span)
                }),
                source_security_groups: r.reference("referenced_security_group_id").map(single),
                self_referencing: None,
                prefix_lists: r.body.attribute("prefix_list_id").map(|a| r.span(&a.value)),
                span: r.decl,
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
                .filter_map(|b| b.reference("subnet_id"))
                .collect(),
            ips: r
                .blocks("ip_address")
                .filter_map(|b| b.string("ip"))
                .collect(),
        }),
        "aws_route53_resolver_rule" => Kind::ResolverRule(ResolverRule {
            domain_name: r.string("domain_name"),
            rule_type: r.string("rule_type"),
            resolver_endpoint: r.reference("resolver_endpoint_id"),
            target_ips: r
                .blocks("target_ip")
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
            name: r.string("name"),
            vpcs: r
                .blocks("vpc")
                .map(|b| b.required_reference("vpc_id"))
                .collect(),
        }),
        "aws_route53_zone_association" => Kind::HostedZoneAssociation(HostedZoneAssociation {
            zone: r.required_reference("zone_id"),
            vpc: r.required_reference("vpc_id"),
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
        "aws_route53profiles_association" => {
            Kind::Route53ProfileAssociation(Route53ProfileAssociation {
                profile: r.required_reference("profile_id"),
                vpc: r.required_reference("resource_id"),
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

/// An `ingress {}` block or an `aws_security_group_rule` (same argument names).
fn ingress_rule(i: &Ctx<'_>) -> IngressRule {
    IngressRule {
        protocol: i.string("protocol"),
        from_port: i.integer("from_port"),
        to_port: i.integer("to_port"),
        cidrs: i.cidrs("cidr_blocks"),
        source_security_groups: i.references("security_groups"),
        self_referencing: i.boolean("self"),
        prefix_lists: i
            .body
            .attribute("prefix_list_ids")
            .map(|a| i.span(&a.value)),
        span: i.decl,
    }
}

/// A route from an inline `route {}` block or an `aws_route` resource.
fn route(r: &Ctx<'_>, destination_key: &str) -> Route {
    let destination = match r.cidr(destination_key) {
        Some(d) => d,
        None if r.body.attribute("destination_prefix_list_id").is_some() => {
            Prop::unknown("the destination is a managed prefix list", r.decl)
        }
        None if r.body.attribute("ipv6_cidr_block").is_some()
            || r.body.attribute("destination_ipv6_cidr_block").is_some() =>
        {
            Prop::unknown("an IPv6 destination", r.decl)
        }
        None => Prop::unknown(format!("{destination_key} is not set"), r.decl),
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

/// `launch_template { id = … }` or `{ name = … }`.
fn template_ref(lt: &Ctx<'_>) -> Option<RefProp> {
    lt.reference("id")
        .or_else(|| lt.reference("launch_template_id"))
        .or_else(|| lt.reference("name"))
        .or_else(|| lt.reference("launch_template_name"))
}

/// `requester { allow_remote_vpc_dns_resolution = … }`.
fn dns_option(r: &Ctx<'_>, side: &str) -> Option<Prop<bool>> {
    r.block(side)
        .and_then(|b| b.boolean("allow_remote_vpc_dns_resolution"))
}

fn ref_list(r: &Ctx<'_>, key: &str) -> Vec<RefProp> {
    match r.references(key) {
        Some(Prop {
            val: Val::Known(items),
            ..
        }) => items,
        Some(other) => vec![Prop {
            val: Val::Unknown("the list is not known".into()),
            span: other.span,
        }],
        None => Vec::new(),
    }
}

fn list_items<T>(list: Option<ListProp<T>>) -> Vec<Prop<T>> {
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
        }) => {
            vec![Prop::unknown("a list read from another resource", span)]
        }
        None => Vec::new(),
    }
}

fn single(p: RefProp) -> ListProp<()> {
    let span = p.span;
    Prop::known(vec![p], span)
}
