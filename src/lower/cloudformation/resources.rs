//! One resource's properties → its graph element: one flat match over resource types.
//! Property values are read through [`Ctx`], which evaluates them in a world
//! (`eval.rs`): `Fn::If` branches are followed, `AWS::NoValue` makes a property absent.

use super::eval::{EVal, Spanned, World};
use crate::lower::cloudwan;
use crate::lower::{list_items, single, Props, Scalar};
use crate::model::cloudwan::{CloudWanAttachment, CoreNetwork, Tags};
use crate::model::{
    Compute, ComputeKind, DhcpOptions, DhcpOptionsAssociation, Directory, DnsRecord,
    DxGatewayAssociation, Endpoint, EndpointService, Firewall, HostedZone, IngressRule, Kind,
    LaunchTemplate, LbListener, ListProp, NetworkInterface, Peering, Prop, RamShare, RecordEntry,
    RefProp, ResolverEndpoint, ResolverRule, ResolverRuleAssociation, Route,
    Route53ProfileAssociation, Route53ProfileResourceAssociation, RouteResource, RouteTable,
    RouteTableAssociation, RouteTarget, SecurityGroup, SecurityGroupIngress, Subnet, SymStr,
    TargetKind, TgwPeeringAttachment, TgwRoute, TgwRouteTable, TgwTableLink, TransitGateway,
    TransitGatewayVpcAttachment, Val, VgwRoutePropagation, Vpc, VpcCidrBlock, VpnConnection,
    VpnConnectionRoute, VpnGateway, VpnGatewayAttachment,
};
use crate::source::Span;
use crate::syntax::tree::Node;

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

/// A map of properties of one resource, read in one world.
pub(super) struct Ctx<'w, 'a> {
    pub world: &'w World<'a>,
    pub inst: usize,
    /// The map whose keys are the properties being read.
    pub node: &'a Node,
    pub decl: Span,
    /// Set when the resource may not exist (made by a loop whose collection is not known):
    /// its values are Unknown for this reason, its references kept (as Terraform's `count`).
    pub poison: Option<std::rc::Rc<str>>,
}

impl<'w, 'a> Ctx<'w, 'a> {
    fn span(&self, node: &Node) -> Span {
        Span::new(self.world.instances[self.inst].file, node.span.clone())
    }

    fn with(&self, node: &'a Node) -> Ctx<'w, 'a> {
        Ctx {
            world: self.world,
            inst: self.inst,
            node,
            decl: self.span(node),
            poison: self.poison.clone(),
        }
    }

    /// A property, with `Fn::If` followed; `None` when absent or `AWS::NoValue`.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.world.resolve(self.inst, self.node.get(key)?)
    }

    /// A nested map property (`LaunchTemplateData`).
    pub fn child(&self, key: &str) -> Option<Ctx<'w, 'a>> {
        let node = self.get(key)?;
        (node.as_map().is_some() && node.as_intrinsic().is_none()).then(|| self.with(node))
    }

    /// A list-of-maps property (`NetworkInterfaces`, `Overrides`).
    fn children(&self, key: &str) -> Vec<Ctx<'w, 'a>> {
        self.get(key)
            .and_then(Node::as_seq)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|n| self.world.resolve(self.inst, n))
                    .filter(|n| n.as_map().is_some() && n.as_intrinsic().is_none())
                    .map(|n| self.with(n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A VPC's ARN built with `Fn::Sub` (`arn:${AWS::Partition}:ec2:…:vpc/${MyVpc}`: a VPC
    /// has no `Arn` attribute) as a reference to the VPC; else the property as written.
    fn vpc_arn(&self, key: &str) -> RefProp {
        let built = self.get(key).and_then(|node| {
            let (name, arg) = node.as_intrinsic()?;
            if name != "Fn::Sub" {
                return None;
            }
            let template = arg
                .as_scalar_str()
                .or_else(|| arg.as_seq()?.first()?.as_scalar_str())?;
            let logical = template.strip_suffix('}')?.rsplit_once(":vpc/${")?.1;
            let id = *self.world.ids.borrow().get(&(self.inst, logical))?;
            Some(Prop {
                val: Val::Ref(id, String::new()),
                span: self.span(node),
            })
        });
        built.unwrap_or_else(|| self.required_reference(key))
    }

    /// SAM's `Globals.<section>` of the template, read as properties.
    fn globals(&self, section: &str) -> Option<Ctx<'w, 'a>> {
        let root = self.world.instances[self.inst].root;
        let node = root.get("Globals")?.get(section)?;
        node.as_map().is_some().then(|| self.with(node))
    }

    fn region(&self) -> Option<&str> {
        self.world.instances[self.inst].region.as_deref()
    }

    fn prop(&self, s: Spanned) -> Prop<Scalar> {
        let span = Span::new(self.world.instances[self.inst].file, s.span);
        Prop {
            val: self.to_val(s.val),
            span,
        }
    }

    /// An evaluated value as a model value: deploy-time attributes become references to the
    /// resource's graph element in this world.
    fn to_val(&self, v: EVal) -> Val<Scalar> {
        match v {
            EVal::Scalar(_) | EVal::Input { sym: Some(_), .. } if self.poison.is_some() => {
                Val::Unknown(self.poison.as_deref().unwrap_or_default().to_owned())
            }
            EVal::Scalar(s) => Val::Known(s),
            EVal::Res {
                inst,
                logical,
                attr,
            } => match self.world.ids.borrow().get(&(inst, logical.as_str())) {
                Some(&id) => Val::Ref(id, attr),
                None => Val::Unknown(format!("{logical} is not analysed under these conditions")),
            },
            EVal::Input { sym: Some(s), .. } => Val::Known(Scalar::Sym(s)),
            EVal::Input { reason, .. } | EVal::Unknown(reason) => Val::Unknown(reason),
            EVal::List(_) => Val::Unknown("a list where a single value was expected".to_owned()),
            // A join of one item is that item, whatever the delimiter.
            EVal::Joined { mut items, .. } if items.len() == 1 => {
                self.to_val(items.pop().expect("one item").val)
            }
            EVal::Joined { .. } => {
                Val::Unknown("a string joined from values known only after deployment".to_owned())
            }
            EVal::NoValue => Val::Unknown("AWS::NoValue where a value was expected".to_owned()),
        }
    }
}

impl<'a> Ctx<'_, 'a> {
    /// A value that names another resource's DNS name, as a string: the value, or, when
    /// the value is built from a list attribute with `Fn::Select`/`Fn::Split` (an
    /// endpoint's `DnsEntries`, `!Select [1, !Split [":", !Select [0, !GetAtt E.DnsEntries]]]`),
    /// a reference to the resource whose attribute it is built from.
    fn name_of(&self, node: &'a Node) -> Option<Prop<SymStr>> {
        let v = self.world.eval(self.inst, node);
        if v.val == EVal::NoValue {
            return None;
        }
        let prop = self.prop(v);
        if prop.unknown_reason().is_some() {
            if let Some(inner) = find_get_att(node) {
                let span = prop.span;
                if let Val::Ref(id, attr) = self.prop(self.world.eval(self.inst, inner)).val {
                    return Some(Prop {
                        val: Val::Ref(id, attr),
                        span,
                    });
                }
            }
        }
        Some(Prop {
            span: prop.span,
            val: match prop.val {
                Val::Known(Scalar::Sym(s)) => Val::Known(s),
                Val::Known(other) => match other.into_string() {
                    Ok(text) => Val::Known(SymStr::literal(&text)),
                    Err(why) => Val::Unknown(why),
                },
                Val::Ref(id, attr) => Val::Ref(id, attr),
                Val::Unknown(why) => Val::Unknown(why),
            },
        })
    }

    /// One record set of `AWS::Route53::RecordSet` or of a `RecordSetGroup`'s `RecordSets`.
    fn record_entry(&self) -> RecordEntry {
        let mut targets: Vec<Prop<SymStr>> = self
            .child("AliasTarget")
            .and_then(|a| a.get("DNSName").and_then(|n| a.name_of(n)))
            .into_iter()
            .collect();
        if let Some(items) = self.get("ResourceRecords").and_then(Node::as_seq) {
            targets.extend(items.iter().filter_map(|n| self.name_of(n)));
        } else if let Some(records) = self.get("ResourceRecords") {
            targets.push(Prop::unknown(
                "the record values are not a list the template writes",
                self.span(records),
            ));
        }
        RecordEntry {
            name: self.symbolic("Name"),
            record_type: self.string("Type"),
            targets,
            span: self.decl,
        }
    }

    /// The zone of a record: by id, or (`HostedZoneName`) by name.
    fn record_zone(&self) -> (RefProp, Option<Prop<SymStr>>) {
        match (
            self.reference("HostedZoneId"),
            self.symbolic("HostedZoneName"),
        ) {
            (Some(id), name) => (id, name),
            (None, Some(name)) => (
                Prop::unknown("the zone is named by HostedZoneName", name.span),
                Some(name),
            ),
            (None, None) => (self.required_reference("HostedZoneId"), None),
        }
    }
}

/// The first `Fn::GetAtt` inside a value built by intrinsic functions.
fn find_get_att(node: &Node) -> Option<&Node> {
    let (name, arg) = node.as_intrinsic()?;
    if name == "Fn::GetAtt" {
        return Some(node);
    }
    match arg.as_seq() {
        Some(items) => items.iter().find_map(find_get_att),
        None => find_get_att(arg),
    }
}

impl Props for Ctx<'_, '_> {
    fn decl_span(&self) -> Span {
        self.decl
    }

    fn scalar(&self, key: &str) -> Option<Prop<Scalar>> {
        let v = self.world.eval(self.inst, self.get(key)?);
        (v.val != EVal::NoValue).then(|| self.prop(v))
    }

    fn list(&self, key: &str) -> Option<ListProp<Scalar>> {
        let v = self.world.eval(self.inst, self.get(key)?);
        let span = Span::new(self.world.instances[self.inst].file, v.span.clone());
        Some(match v.val {
            EVal::List(items) => {
                Prop::known(items.into_iter().map(|s| self.prop(s)).collect(), span)
            }
            EVal::NoValue => return None,
            other => match self.to_val(other) {
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
pub(super) fn lower_resource(type_name: &str, r: &Ctx<'_, '_>) -> Kind {
    match type_name {
        "AWS::EC2::VPC" => Kind::Vpc(Vpc {
            cidr: r.cidr("CidrBlock"),
            dns_support: r.boolean("EnableDnsSupport"),
            dns_hostnames: r.boolean("EnableDnsHostnames"),
            tenancy: r.string("InstanceTenancy"),
            default_vpc: false,
        }),
        "AWS::EC2::VPCCidrBlock" => Kind::VpcCidrBlock(VpcCidrBlock {
            vpc: r.required_reference("VpcId"),
            cidr: r.cidr("CidrBlock"),
        }),
        "AWS::EC2::Subnet" => Kind::Subnet(Subnet {
            vpc: r.required_reference("VpcId"),
            cidr: r.cidr("CidrBlock"),
            availability_zone: r
                .symbolic("AvailabilityZone")
                .or_else(|| r.symbolic("AvailabilityZoneId")),
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
            let peer_region = r.symbolic("PeerRegion");
            let inter_region_assumed = r.region().is_none()
                && peer_region
                    .as_ref()
                    .is_some_and(|p| p.known_value().is_some_and(|s| s.as_literal().is_some()));
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
            route_tables: list_items(r.references("RouteTableIds")),
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
        "AWS::EC2::TransitGateway" => Kind::TransitGateway(TransitGateway {
            default_association: r.string("DefaultRouteTableAssociation"),
            default_propagation: r.string("DefaultRouteTablePropagation"),
            association_default_table: r.reference("AssociationDefaultRouteTableId"),
            propagation_default_table: r.reference("PropagationDefaultRouteTableId"),
        }),
        // CloudFormation attachments have no opt-out of the gateway's default association
        // and propagation (domain-2026 §4.1).
        "AWS::EC2::TransitGatewayVpcAttachment" | "AWS::EC2::TransitGatewayAttachment" => {
            Kind::TransitGatewayVpcAttachment(TransitGatewayVpcAttachment {
                vpc: r.required_reference("VpcId"),
                transit_gateway: r.required_reference("TransitGatewayId"),
                subnets: r.references("SubnetIds"),
                dns_support: r.child("Options").and_then(|o| o.string("DnsSupport")),
                default_association: None,
                default_propagation: None,
            })
        }
        "AWS::EC2::TransitGatewayPeeringAttachment" => {
            Kind::TgwPeeringAttachment(TgwPeeringAttachment {
                transit_gateway: r.required_reference("TransitGatewayId"),
                peer_transit_gateway: r.required_reference("PeerTransitGatewayId"),
                peer_region: r.symbolic("PeerRegion"),
            })
        }
        "AWS::EC2::TransitGatewayRouteTable" => Kind::TgwRouteTable(TgwRouteTable {
            transit_gateway: r.required_reference("TransitGatewayId"),
        }),
        "AWS::EC2::TransitGatewayRouteTableAssociation" => Kind::TgwAssociation(TgwTableLink {
            attachment: r.required_reference("TransitGatewayAttachmentId"),
            route_table: r.required_reference("TransitGatewayRouteTableId"),
        }),
        "AWS::EC2::TransitGatewayRouteTablePropagation" => Kind::TgwPropagation(TgwTableLink {
            attachment: r.required_reference("TransitGatewayAttachmentId"),
            route_table: r.required_reference("TransitGatewayRouteTableId"),
        }),
        "AWS::EC2::TransitGatewayRoute" => Kind::TgwRoute(TgwRoute {
            route_table: r.required_reference("TransitGatewayRouteTableId"),
            destination: r
                .cidr("DestinationCidrBlock")
                .unwrap_or_else(|| Prop::unknown("DestinationCidrBlock is not set", r.decl)),
            attachment: r.reference("TransitGatewayAttachmentId"),
            blackhole: r.boolean("Blackhole"),
            prefix_list: false,
        }),
        "AWS::NetworkFirewall::Firewall" => Kind::Firewall(Firewall {
            vpc: r.reference("VpcId"),
            subnets: {
                let subnets: Vec<RefProp> = r
                    .children("SubnetMappings")
                    .iter()
                    .filter_map(|m| m.reference("SubnetId"))
                    .collect();
                (!subnets.is_empty()).then(|| Prop::known(subnets, r.decl))
            },
            transit_gateway: r.reference("TransitGatewayId"),
        }),
        "AWS::NetworkManager::CoreNetwork" => Kind::CoreNetwork(CoreNetwork {
            policy: r.get("PolicyDocument").map(|node| {
                let span = r.span(node);
                let read = match node.as_scalar_str() {
                    Some(text) => cloudwan::from_json(text),
                    None => cloudwan::read(node),
                };
                match read {
                    Ok(policy) => Prop::known(policy, span),
                    Err(reason) => Prop::unknown(reason, span),
                }
            }),
        }),
        "AWS::NetworkManager::VpcAttachment" => Kind::CloudWanAttachment(CloudWanAttachment {
            core_network: r.required_reference("CoreNetworkId"),
            vpc: r.vpc_arn("VpcArn"),
            subnets: r.references("SubnetArns"),
            tags: r.get("Tags").map(|node| {
                let pairs: Result<Vec<(String, String)>, String> = r
                    .children("Tags")
                    .iter()
                    .map(|t| match (t.string("Key"), t.string("Value")) {
                        (Some(k), Some(v)) => match (k.val, v.val) {
                            (Val::Known(k), Val::Known(v)) => Ok((k, v)),
                            _ => Err("a tag is not known".to_owned()),
                        },
                        _ => Err("a tag without a Key or Value".to_owned()),
                    })
                    .collect();
                let span = r.span(node);
                match pairs {
                    Ok(pairs) if node.as_seq().is_some() => Prop::known(Tags(pairs), span),
                    Ok(_) => Prop::unknown("the tags are not a literal list", span),
                    Err(reason) => Prop::unknown(reason, span),
                }
            }),
        }),
        "AWS::EC2::VPCEndpointService" => Kind::EndpointService(EndpointService {
            load_balancers: r.references("NetworkLoadBalancerArns"),
            private_dns_name: None,
        }),
        "AWS::ElasticLoadBalancingV2::Listener" => Kind::LbListener(LbListener {
            load_balancer: r.required_reference("LoadBalancerArn"),
            port: r.integer("Port"),
            protocol: r.string("Protocol"),
        }),
        "AWS::DirectConnect::DirectConnectGateway" => Kind::DxGateway,
        "AWS::DirectConnect::DirectConnectGatewayAssociation" => {
            Kind::DxGatewayAssociation(DxGatewayAssociation {
                dx_gateway: r.required_reference("DirectConnectGatewayId"),
                associated_gateway: r.required_reference("AssociatedGatewayId"),
            })
        }
        "AWS::EC2::Instance" => {
            let mut subnets: Vec<RefProp> = r.reference("SubnetId").into_iter().collect();
            // An interface given by its subnet, or created on its own (`NetworkInterfaceId`:
            // in that interface's subnet).
            subnets.extend(r.children("NetworkInterfaces").iter().filter_map(|ni| {
                ni.reference("SubnetId")
                    .or_else(|| ni.reference("NetworkInterfaceId"))
            }));
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
        // SAM's serverless function and the plain Lambda function: compute in subnets when
        // they have a VpcConfig (SAM's `Globals.Function.VpcConfig` included); no instance
        // type, so they take part in DNS rules and never in the instance-type rules.
        "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
            let config = r.child("VpcConfig").or_else(|| {
                (type_name == "AWS::Serverless::Function")
                    .then(|| r.globals("Function"))
                    .flatten()
                    .and_then(|g| g.child("VpcConfig"))
            });
            match config {
                Some(c) => Kind::Compute(Compute {
                    kind: ComputeKind::Function,
                    instance_types: Vec::new(),
                    template: None,
                    subnets: c.references("SubnetIds"),
                }),
                None => Kind::Other,
            }
        }
        "AWS::EC2::NetworkInterface" => Kind::NetworkInterface(NetworkInterface {
            subnet: r.required_reference("SubnetId"),
        }),
        // An ECS service in the `awsvpc` network mode: its tasks have interfaces in these
        // subnets (a workload without instance types, like a function).
        "AWS::ECS::Service" => match r
            .child("NetworkConfiguration")
            .and_then(|n| n.child("AwsvpcConfiguration"))
        {
            Some(c) => Kind::Compute(Compute {
                kind: ComputeKind::ContainerService,
                instance_types: Vec::new(),
                template: None,
                subnets: c.references("Subnets"),
            }),
            None => Kind::Other,
        },
        "AWS::EKS::Nodegroup" => Kind::Compute(Compute {
            kind: ComputeKind::EksNodeGroup,
            instance_types: list_items(r.strings("InstanceTypes")),
            template: r
                .child("LaunchTemplate")
                .and_then(|lt| lt.reference("Id").or_else(|| lt.reference("Name"))),
            subnets: r.references("Subnets"),
        }),
        "AWS::EC2::VPCEndpoint" => Kind::Endpoint(Endpoint {
            vpc: r.required_reference("VpcId"),
            endpoint_type: r.string("VpcEndpointType"),
            service_name: r.symbolic("ServiceName"),
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
            domain_name: r.symbolic("DomainName"),
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
            name: r.symbolic("Name"),
            vpcs: r
                .children("VPCs")
                .iter()
                .map(|v| v.required_reference("VPCId"))
                .collect(),
        }),
        "AWS::Route53::RecordSet" => {
            let (zone, zone_name) = r.record_zone();
            Kind::DnsRecord(DnsRecord {
                zone,
                zone_name,
                entries: vec![r.record_entry()],
            })
        }
        "AWS::Route53::RecordSetGroup" => {
            let (zone, zone_name) = r.record_zone();
            let sets = r.get("RecordSets");
            let mut entries: Vec<RecordEntry> = r
                .children("RecordSets")
                .iter()
                .map(Ctx::record_entry)
                .collect();
            // A list the template does not write out is one entry whose values are unknown.
            if sets.is_some_and(|n| n.as_seq().is_none()) {
                entries.push(RecordEntry {
                    name: Some(Prop::unknown(
                        "RecordSets is not a list the template writes",
                        r.decl,
                    )),
                    record_type: None,
                    targets: Vec::new(),
                    span: r.decl,
                });
            }
            Kind::DnsRecord(DnsRecord {
                zone,
                zone_name,
                entries,
            })
        }
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
        "AWS::RAM::ResourceShare" => Kind::RamShare(RamShare {
            resources: r.references("ResourceArns"),
        }),
        "AWS::Route53Profiles::ProfileAssociation" => {
            Kind::Route53ProfileAssociation(Route53ProfileAssociation {
                profile: r.required_reference("ProfileId"),
                vpc: r.required_reference("ResourceId"),
                priority: r.integer("Priority"),
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

fn route(r: &Ctx<'_, '_>) -> Route {
    let destination = match r.cidr("DestinationCidrBlock") {
        Some(d) => d,
        None if r.get("DestinationPrefixListId").is_some() => {
            Prop::unknown("the destination is a managed prefix list", r.decl)
        }
        None if r.get("DestinationIpv6CidrBlock").is_some() => {
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
fn ingress_rule(i: &Ctx<'_, '_>) -> IngressRule {
    IngressRule {
        protocol: i.string("IpProtocol"),
        from_port: i.integer("FromPort"),
        to_port: i.integer("ToPort"),
        cidrs: i.cidr("CidrIp").map(single),
        source_security_groups: i.reference("SourceSecurityGroupId").map(single),
        self_referencing: None,
        prefix_lists: i.get("SourcePrefixListId").map(|n| i.span(n)),
        span: i.decl,
    }
}

fn template_ref(lt: &Ctx<'_, '_>) -> Option<RefProp> {
    lt.reference("LaunchTemplateId")
        .or_else(|| lt.reference("LaunchTemplateName"))
}
