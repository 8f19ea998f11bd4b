//! The provider-neutral resource graph. Knows nothing about HCL, YAML or JSON: the lowering
//! builds it, reachability and rules read it.
//!
//! Every property is a [`Prop`]: a value that is [`Val::Known`], a [`Val::Ref`]erence to
//! another element of the graph, or [`Val::Unknown`] (with the reason), together with the
//! span it was read from. Rules never fire on Unknown.

pub mod cidr;
pub mod cloudwan;
mod index;
pub mod symbolic;
pub mod transit;
pub mod visit;

pub use cidr::Ipv4Net;
pub use index::{Floating, Index};
pub use symbolic::{HoleKind, SymStr};
pub use transit::{
    Attachment, AttachmentKind, Firewall, TgwAttachmentAccepter, TgwDefaultTable,
    TgwPeeringAttachment, TgwRoute, TgwRouteTable, TgwTable, TgwTableLink, TransitGateway,
    TransitIndex,
};

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

impl ResourceId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<T> {
    Known(T),
    /// A reference to another resource of the graph (e.g. `aws_vpc.a.id`, `!Ref VpcA`), and
    /// the attribute referenced.
    Ref(ResourceId, String),
    /// Not known statically; the reason is shown by `--explain-unknown` and in counts.
    Unknown(String),
}

/// A property value with the span of the expression it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Prop<T> {
    pub val: Val<T>,
    pub span: Span,
}

impl<T> Prop<T> {
    pub fn known(value: T, span: Span) -> Self {
        Prop {
            val: Val::Known(value),
            span,
        }
    }

    pub fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Prop {
            val: Val::Unknown(reason.into()),
            span,
        }
    }

    pub fn known_value(&self) -> Option<&T> {
        match &self.val {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The referenced resource, if this is a reference.
    pub fn target(&self) -> Option<ResourceId> {
        match &self.val {
            Val::Ref(id, _) => Some(*id),
            _ => None,
        }
    }

    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.val {
            Val::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// Why this value is not known statically, or `None` when it is: its Unknown reason, or
    /// the attribute of another resource it is read from (known only after apply).
    #[must_use]
    pub fn undecided(&self, graph: &Graph) -> Option<Undecided> {
        match &self.val {
            Val::Known(_) => None,
            Val::Unknown(reason) => Some(Undecided::new(reason.clone(), self.span)),
            Val::Ref(id, attr) => Some(Undecided::new(
                format!(
                    "{}.{attr} is known only after apply",
                    graph.get(*id).address
                ),
                self.span,
            )),
        }
    }
}

/// Why a question could not be decided: the whole reason as a user reads it ("path to
/// `aws_vpc_endpoint.sqs` unknown: a route's destination is unknown: var.cidr has no value"),
/// its root cause (the unknown value's own reason, "var.cidr has no value", by which
/// `--explain-unknown` groups), and where that value is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Undecided {
    pub reason: String,
    pub cause: String,
    pub span: Span,
}

impl Undecided {
    /// An unknown value whose reason is its own cause.
    pub fn new(cause: impl Into<String>, span: Span) -> Self {
        let cause = cause.into();
        Undecided {
            reason: cause.clone(),
            cause,
            span,
        }
    }

    /// The same cause, explained by what it left undecided: `"{what}: {reason}"`.
    #[must_use]
    pub fn context(mut self, what: impl std::fmt::Display) -> Self {
        self.reason = format!("{what}: {}", self.reason);
        self
    }

    /// The same cause, with the reason rewritten by `f` (for wordings that do not put the
    /// cause last).
    #[must_use]
    pub fn map_reason(mut self, f: impl FnOnce(&str) -> String) -> Self {
        self.reason = f(&self.reason);
        self
    }
}

/// A reference-valued property (`vpc_id`, `SubnetId`).
pub type RefProp = Prop<()>;
/// A list whose length may itself be unknown (`subnet_ids = var.subnets`).
pub type ListProp<T> = Prop<Vec<Prop<T>>>;

impl ListProp<()> {
    /// The referenced resources of a list of references; `None` if the list, or any element,
    /// is not a reference.
    #[must_use]
    pub fn targets(&self) -> Option<Vec<ResourceId>> {
        self.known_value()?.iter().map(Prop::target).collect()
    }
}

/// One element of the graph.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Terraform address (`aws_instance.legacy`, `module.net.aws_vpc.this`) or CloudFormation
    /// logical id.
    pub address: String,
    /// `aws_instance`, `AWS::EC2::Instance`.
    pub type_name: String,
    /// The resource's declaration (its name label or logical-id key).
    pub span: Span,
    /// The whole declaration: a Terraform `resource` block from its first token to its
    /// closing brace, a CloudFormation `Resources` entry from its key to the end of its
    /// value. Contains `span`. Suppression comments inside it apply to the resource. Equal to
    /// `span` where the lowering knows no more (plans).
    pub extent: Span,
    /// Suppressions written in the resource's own data (CloudFormation
    /// `Metadata: {vpclint: {ignore: […]}}`); comments are found by `crate::suppress`.
    pub suppressions: Vec<Suppression>,
    /// The region the resource is created in (provider region, `--region`), perhaps
    /// symbolic (the region of a stack checked without `--region`).
    pub region: Option<Prop<SymStr>>,
    /// Set when the resource may not exist (Terraform `count`/`for_each` not known): the
    /// reason. Its references are kept; what depends on its existence is Unknown.
    pub uncertain: Option<String>,
    pub kind: Kind,
    /// Set when the resource was lowered once per alternative (CloudFormation condition
    /// combinations): which alternative this copy belongs to.
    pub variant: Option<Variant>,
    /// Set when the resource is declared in code that is not the user's (a module copied by
    /// `terraform init` under `.terraform/`, a module outside the repository): the call
    /// site in the user's files its findings are reported at ([`Graph::site`]).
    pub site: Option<u32>,
}

/// Where the user brings in code that is not theirs: the outermost `module` call in their
/// files on the way to a resource declared in such code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// The module instance the call makes (`module.vpc`, `module.net["a"]`).
    pub address: String,
    /// The call's name label.
    pub span: Span,
    /// The whole `module` block (suppression comments above it or inside it apply).
    pub extent: Span,
    /// Calls in the user's files further in, each with its span (`module.a.module.b`).
    pub inner: Vec<(String, Span)>,
}

/// A request, written in the input, not to report some rules' findings on a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule ids as written, each with its span.
    pub rules: Vec<(String, Span)>,
    /// Why, when the author said (empty reasons are `None`).
    pub reason: Option<String>,
    /// The whole directive (a comment, a `Metadata` entry).
    pub span: Span,
}

/// One of several alternative lowerings of the same input: the set (see
/// [`Graph::variant_set`]) and the index of the alternative in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variant {
    pub set: u32,
    pub index: u32,
}

/// A set of alternatives: for each, the named facts that hold in it (`("UseLegacy",
/// "true")`, `("Env", "prod")`), so that a finding can say under which ones it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VariantSet {
    pub facts: Vec<Vec<(String, String)>>,
}

/// Something of the input that could not be analysed and is not a graph element (a nested
/// stack whose template is remote, conditions left undecided): reported as unchecked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub address: String,
    pub reason: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Vpc(Vpc),
    VpcCidrBlock(VpcCidrBlock),
    Subnet(Subnet),
    RouteTable(RouteTable),
    Route(RouteResource),
    RouteTableAssociation(RouteTableAssociation),
    MainRouteTableAssociation(MainRouteTableAssociation),
    Peering(Peering),
    PeeringAccepter(PeeringAccepter),
    PeeringOptions(PeeringOptions),
    InternetGateway,
    NatGateway,
    EgressOnlyInternetGateway,
    VpnGateway(VpnGateway),
    VpnGatewayAttachment(VpnGatewayAttachment),
    VgwRoutePropagation(VgwRoutePropagation),
    CustomerGateway,
    VpnConnection(VpnConnection),
    VpnConnectionRoute(VpnConnectionRoute),
    TransitGateway(TransitGateway),
    TransitGatewayVpcAttachment(TransitGatewayVpcAttachment),
    TgwPeeringAttachment(TgwPeeringAttachment),
    TgwAttachmentAccepter(TgwAttachmentAccepter),
    TgwRouteTable(TgwRouteTable),
    TgwAssociation(TgwTableLink),
    TgwPropagation(TgwTableLink),
    TgwRoute(TgwRoute),
    TgwDefaultTable(TgwDefaultTable),
    Firewall(Firewall),
    CoreNetwork(cloudwan::CoreNetwork),
    CorePolicyAttachment(cloudwan::CorePolicyAttachment),
    CloudWanAttachment(cloudwan::CloudWanAttachment),
    CloudWanAccepter(cloudwan::CloudWanAccepter),
    DxGateway,
    DxGatewayAssociation(DxGatewayAssociation),
    Compute(Compute),
    LaunchTemplate(LaunchTemplate),
    NetworkInterface(NetworkInterface),
    Endpoint(Endpoint),
    EndpointService(EndpointService),
    LbListener(LbListener),
    SecurityGroup(SecurityGroup),
    SecurityGroupIngress(SecurityGroupIngress),
    EndpointAssociation(EndpointAssociation),
    DhcpOptions(DhcpOptions),
    DhcpOptionsAssociation(DhcpOptionsAssociation),
    ResolverEndpoint(ResolverEndpoint),
    ResolverRule(ResolverRule),
    ResolverRuleAssociation(ResolverRuleAssociation),
    HostedZone(HostedZone),
    HostedZoneAssociation(HostedZoneAssociation),
    /// `aws_route53_vpc_association_authorization`: lets another account associate its VPC
    /// with the zone (an association names the zone and VPC through it).
    ZoneAssociationAuthorization(HostedZoneAssociation),
    DnsRecord(DnsRecord),
    EndpointPrivateDns(EndpointPrivateDns),
    Directory(Directory),
    Route53Profile,
    /// A Resource Access Manager share of resources with other accounts
    /// (`aws_ram_resource_association`, `AWS::RAM::ResourceShare`).
    RamShare(RamShare),
    Route53ProfileAssociation(Route53ProfileAssociation),
    Route53ProfileResourceAssociation(Route53ProfileResourceAssociation),
    /// A resource vpclint does not model; kept so references to it resolve.
    Other,
}

#[derive(Clone, Debug, Default)]
pub struct Vpc {
    /// The primary IPv4 CIDR (secondary ones are [`VpcCidrBlock`] resources).
    pub cidr: Option<Prop<Ipv4Net>>,
    /// `enable_dns_support` / `EnableDnsSupport` as written (`None`: omitted, default true).
    pub dns_support: Option<Prop<bool>>,
    /// `enable_dns_hostnames` / `EnableDnsHostnames` (`None`: omitted, default false, but true
    /// for a default VPC).
    pub dns_hostnames: Option<Prop<bool>>,
    /// The account's default VPC (Terraform's `aws_default_vpc`), whose DNS hostnames are
    /// enabled by default.
    pub default_vpc: bool,
    /// `instance_tenancy` / `InstanceTenancy`.
    pub tenancy: Option<Prop<String>>,
}

#[derive(Clone, Debug)]
pub struct VpcCidrBlock {
    pub vpc: RefProp,
    pub cidr: Option<Prop<Ipv4Net>>,
}

#[derive(Clone, Debug)]
pub struct Subnet {
    pub vpc: RefProp,
    pub cidr: Option<Prop<Ipv4Net>>,
    /// `availability_zone` or `availability_zone_id` as written; known in part when it is
    /// built from the region (`${AWS::Region}a`).
    pub availability_zone: Option<Prop<SymStr>>,
    pub ipv6_native: Option<Prop<bool>>,
}

/// A route, inline in a route table or a resource of its own.
#[derive(Clone, Debug)]
pub struct Route {
    /// IPv4 destination; IPv6-only routes are not recorded (they never match an IPv4
    /// endpoint subnet), prefix-list destinations are Unknown.
    pub destination: Prop<Ipv4Net>,
    pub target: RouteTarget,
    /// The route as a whole (the inline block, or the route resource's declaration).
    pub span: Span,
}

/// Which argument named the route's next hop, and what it references.
#[derive(Clone, Debug)]
pub struct RouteTarget {
    pub kind: TargetKind,
    pub target: RefProp,
}

/// The next-hop argument of a route. `Gateway` is an internet gateway or a virtual private
/// gateway: the referenced resource tells which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    Gateway,
    VpcPeering,
    TransitGateway,
    NatGateway,
    EgressOnlyGateway,
    NetworkInterface,
    Instance,
    VpcEndpoint,
    CarrierGateway,
    LocalGateway,
    CoreNetwork,
    /// The VPC's own CIDRs.
    Local,
    /// No target argument could be read.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct RouteTable {
    pub vpc: RefProp,
    pub routes: Vec<Route>,
    /// `propagating_vgws` (Terraform).
    pub propagating_vgws: Vec<RefProp>,
    /// Set for Terraform's `aws_default_route_table`: this is the VPC's main table.
    pub main_of_vpc: Option<RefProp>,
}

#[derive(Clone, Debug)]
pub struct RouteResource {
    pub route_table: RefProp,
    pub route: Route,
}

#[derive(Clone, Debug)]
pub struct RouteTableAssociation {
    pub subnet: Option<RefProp>,
    pub route_table: RefProp,
}

#[derive(Clone, Debug)]
pub struct MainRouteTableAssociation {
    pub vpc: RefProp,
    pub route_table: RefProp,
}

#[derive(Clone, Debug)]
pub struct Peering {
    /// The requester VPC.
    pub vpc: RefProp,
    /// The accepter VPC.
    pub peer_vpc: RefProp,
    /// `peer_region` / `PeerRegion` as written (`None`: same region as the requester).
    pub peer_region: Option<Prop<SymStr>>,
    /// True when the region comparison could not be made and the peering is assumed to be
    /// inter-region because a literal peer region was given (CloudFormation without
    /// `--region`).
    pub inter_region_assumed: bool,
    /// Peering DNS options (`allow_remote_vpc_dns_resolution`) per side, when written.
    pub requester_dns_resolution: Option<Prop<bool>>,
    pub accepter_dns_resolution: Option<Prop<bool>>,
}

#[derive(Clone, Debug)]
pub struct PeeringAccepter {
    pub peering: RefProp,
    pub accepter_dns_resolution: Option<Prop<bool>>,
}

#[derive(Clone, Debug)]
pub struct PeeringOptions {
    pub peering: RefProp,
    pub requester_dns_resolution: Option<Prop<bool>>,
    pub accepter_dns_resolution: Option<Prop<bool>>,
}

#[derive(Clone, Debug)]
pub struct VpnGateway {
    /// The VPC it is attached to, when declared on the gateway itself.
    pub vpc: Option<RefProp>,
}

#[derive(Clone, Debug)]
pub struct VpnGatewayAttachment {
    pub vpc: RefProp,
    pub vpn_gateway: RefProp,
}

#[derive(Clone, Debug)]
pub struct VgwRoutePropagation {
    pub vpn_gateway: RefProp,
    pub route_tables: Vec<RefProp>,
}

#[derive(Clone, Debug)]
pub struct VpnConnection {
    pub vpn_gateway: Option<RefProp>,
    pub transit_gateway: Option<RefProp>,
    pub customer_gateway: Option<RefProp>,
    pub static_routes_only: Option<Prop<bool>>,
    /// Static routes written inline (CloudFormation has none; Terraform uses
    /// `aws_vpn_connection_route`).
    pub static_routes: Vec<Prop<Ipv4Net>>,
}

#[derive(Clone, Debug)]
pub struct VpnConnectionRoute {
    pub connection: RefProp,
    pub destination: Prop<Ipv4Net>,
}

#[derive(Clone, Debug)]
pub struct TransitGatewayVpcAttachment {
    pub vpc: RefProp,
    pub transit_gateway: RefProp,
    pub subnets: Option<ListProp<()>>,
    /// `dns_support` / `Options.DnsSupport` as written.
    pub dns_support: Option<Prop<String>>,
    /// `transit_gateway_default_route_table_association` (Terraform; `None`: true).
    pub default_association: Option<Prop<bool>>,
    /// `transit_gateway_default_route_table_propagation` (Terraform; `None`: true).
    pub default_propagation: Option<Prop<bool>>,
}

#[derive(Clone, Debug)]
pub struct DxGatewayAssociation {
    pub dx_gateway: RefProp,
    /// The virtual private gateway or transit gateway associated.
    pub associated_gateway: RefProp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComputeKind {
    Instance,
    AutoScalingGroup,
    EksNodeGroup,
    Fleet,
    /// A function attached to subnets (Lambda, SAM `AWS::Serverless::Function` with a
    /// `VpcConfig`): no instance type.
    Function,
    /// An ECS service whose tasks have their own network interfaces in subnets (`awsvpc`
    /// network mode): no instance type of its own.
    ContainerService,
}

/// Something that launches EC2 instances into subnets.
#[derive(Clone, Debug)]
pub struct Compute {
    pub kind: ComputeKind,
    /// Instance types written on the resource itself (`instance_type`, overrides,
    /// `instance_types`).
    pub instance_types: Vec<Prop<String>>,
    /// The launch template or launch configuration used, if any.
    pub template: Option<RefProp>,
    /// The subnets the instances are launched into, or the network interfaces they are
    /// attached to (their subnets are meant) (`None`: not written on the resource).
    pub subnets: Option<ListProp<()>>,
}

/// A network interface created on its own (`aws_network_interface`,
/// `AWS::EC2::NetworkInterface`): an instance it is attached to is in its subnet.
#[derive(Clone, Debug)]
pub struct NetworkInterface {
    pub subnet: RefProp,
}

/// A launch template or launch configuration: instance types and network interfaces that
/// compute resources inherit.
#[derive(Clone, Debug)]
pub struct LaunchTemplate {
    pub instance_types: Vec<Prop<String>>,
    pub subnets: Option<ListProp<()>>,
    /// Attribute-based instance selection: the types are not determined by the template.
    pub instance_requirements: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub vpc: RefProp,
    /// As written; `None` means the documented default, `Gateway`.
    pub endpoint_type: Option<Prop<String>>,
    /// `com.amazonaws.<region>.sqs`, perhaps with the region symbolic.
    pub service_name: Option<Prop<SymStr>>,
    pub subnets: Option<ListProp<()>>,
    pub security_groups: Option<ListProp<()>>,
    /// As written; `None` means the Terraform and CloudFormation default, false.
    pub private_dns: Option<Prop<bool>>,
}

impl Endpoint {
    /// Is this an interface endpoint? `None` when the type is not known.
    #[must_use]
    pub fn is_interface(&self) -> Option<bool> {
        match &self.endpoint_type {
            None => Some(false),
            Some(p) => p.known_value().map(|t| t.eq_ignore_ascii_case("Interface")),
        }
    }
}

/// An endpoint service of the code (`aws_vpc_endpoint_service`,
/// `AWS::EC2::VPCEndpointService`): the Network Load Balancers behind it.
#[derive(Clone, Debug)]
pub struct EndpointService {
    pub load_balancers: Option<ListProp<()>>,
    /// The private DNS name an endpoint to this service answers for with private DNS
    /// (`private_dns_name`; CloudFormation has no such property).
    pub private_dns_name: Option<Prop<SymStr>>,
}

/// A load balancer listener (`aws_lb_listener`, `AWS::ElasticLoadBalancingV2::Listener`):
/// the port an endpoint service behind that load balancer listens on.
#[derive(Clone, Debug)]
pub struct LbListener {
    pub load_balancer: RefProp,
    pub port: Option<Prop<i64>>,
    pub protocol: Option<Prop<String>>,
}

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    pub vpc: Option<RefProp>,
    /// Inline ingress rules.
    pub ingress: Vec<IngressRule>,
    /// Set for Terraform's `aws_default_security_group`: this manages the VPC's default
    /// security group.
    pub default_of_vpc: Option<RefProp>,
}

/// An ingress rule declared as its own resource (`aws_vpc_security_group_ingress_rule`,
/// `aws_security_group_rule` of type ingress, `AWS::EC2::SecurityGroupIngress`).
#[derive(Clone, Debug)]
pub struct SecurityGroupIngress {
    pub group: RefProp,
    pub rule: IngressRule,
}

#[derive(Clone, Debug)]
pub struct IngressRule {
    /// `tcp`, `6`, `-1`/`all`, …
    pub protocol: Option<Prop<String>>,
    pub from_port: Option<Prop<i64>>,
    pub to_port: Option<Prop<i64>>,
    pub cidrs: Option<ListProp<Ipv4Net>>,
    pub source_security_groups: Option<ListProp<()>>,
    /// `self = true`: members of the group itself.
    pub self_referencing: Option<Prop<bool>>,
    /// Managed prefix lists as sources (their contents are not in the code).
    pub prefix_lists: Option<Span>,
    pub span: Span,
}

/// An endpoint's subnet or security group added by a resource of its own
/// (`aws_vpc_endpoint_subnet_association`, `aws_vpc_endpoint_security_group_association`).
#[derive(Clone, Debug)]
pub struct EndpointAssociation {
    pub endpoint: RefProp,
    pub subnet: Option<RefProp>,
    pub security_group: Option<RefProp>,
}

#[derive(Clone, Debug)]
pub struct DhcpOptions {
    pub domain_name_servers: Option<ListProp<String>>,
}

#[derive(Clone, Debug)]
pub struct DhcpOptionsAssociation {
    pub vpc: RefProp,
    pub dhcp_options: RefProp,
}

#[derive(Clone, Debug)]
pub struct ResolverEndpoint {
    pub direction: Option<Prop<String>>,
    /// Subnets of the endpoint's IP addresses.
    pub subnets: Vec<RefProp>,
    /// Fixed IPs, where written.
    pub ips: Vec<Prop<String>>,
}

#[derive(Clone, Debug)]
pub struct ResolverRule {
    pub domain_name: Option<Prop<SymStr>>,
    pub rule_type: Option<Prop<String>>,
    pub resolver_endpoint: Option<RefProp>,
    pub target_ips: Vec<Prop<String>>,
}

#[derive(Clone, Debug)]
pub struct ResolverRuleAssociation {
    pub rule: RefProp,
    pub vpc: RefProp,
}

#[derive(Clone, Debug)]
pub struct HostedZone {
    pub name: Option<Prop<SymStr>>,
    /// Inline VPC associations; a zone with none is public.
    pub vpcs: Vec<RefProp>,
}

#[derive(Clone, Debug)]
pub struct HostedZoneAssociation {
    pub zone: RefProp,
    pub vpc: RefProp,
}

/// Records of a hosted zone (`aws_route53_record`, `AWS::Route53::RecordSet`: one entry;
/// `AWS::Route53::RecordSetGroup`: one per record set).
#[derive(Clone, Debug)]
pub struct DnsRecord {
    /// The zone by id (`zone_id`, `HostedZoneId`); Unknown when only named.
    pub zone: RefProp,
    /// The zone by name (`HostedZoneName`), when it is named instead.
    pub zone_name: Option<Prop<SymStr>>,
    pub entries: Vec<RecordEntry>,
}

/// One record set.
#[derive(Clone, Debug)]
pub struct RecordEntry {
    /// As written: a fully qualified name, or (Terraform) a name relative to the zone; `*.`
    /// first for a wildcard.
    pub name: Option<Prop<SymStr>>,
    /// `A`, `AAAA`, `CNAME`, …
    pub record_type: Option<Prop<String>>,
    /// What it answers with: the alias target's DNS name, or the record values (a CNAME's
    /// target). A reference to an endpoint's `dns_entry`/`DnsEntries` points at the endpoint.
    pub targets: Vec<Prop<SymStr>>,
    pub span: Span,
}

/// Resources shared with other accounts (a Resolver rule associated there).
#[derive(Clone, Debug)]
pub struct RamShare {
    pub resources: Option<ListProp<()>>,
}

/// Private DNS of an endpoint set by a resource of its own
/// (`aws_vpc_endpoint_private_dns`).
#[derive(Clone, Debug)]
pub struct EndpointPrivateDns {
    pub endpoint: RefProp,
    pub enabled: Option<Prop<bool>>,
}

#[derive(Clone, Debug)]
pub struct Directory {
    /// `SimpleAD`, `MicrosoftAD`, `ADConnector` (Terraform's default is `SimpleAD`).
    pub directory_type: Option<Prop<String>>,
    pub vpc: Option<RefProp>,
    pub subnets: Option<ListProp<()>>,
}

#[derive(Clone, Debug)]
pub struct Route53ProfileAssociation {
    pub profile: RefProp,
    pub vpc: RefProp,
    /// The association's priority among the VPC's (up to two) Profile associations: the
    /// lowest is evaluated first; 100 when omitted.
    pub priority: Option<Prop<i64>>,
}

#[derive(Clone, Debug)]
pub struct Route53ProfileResourceAssociation {
    pub profile: RefProp,
    pub resource: RefProp,
}

/// The whole graph of one run.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    resources: Vec<Resource>,
    variant_sets: Vec<VariantSet>,
    notes: Vec<Note>,
    sites: Vec<CallSite>,
    /// Files of code that is not the user's, each with the call site that brings it in
    /// first (see [`CallSite`]).
    foreign: std::collections::HashMap<crate::source::FileId, Option<u32>>,
    /// Module calls whose source needs `terraform get` (or a download) and has none: said
    /// once for the whole run, not once per call.
    unsupplied: Vec<Note>,
}

impl Graph {
    pub fn add(&mut self, resource: Resource) -> ResourceId {
        let id = ResourceId(u32::try_from(self.resources.len()).expect("< 2^32 resources"));
        self.resources.push(resource);
        id
    }

    /// Reserves an id for a resource whose body is lowered later (so that references can
    /// point at it); [`Graph::set`] fills it in.
    pub fn reserve(&mut self, address: String, type_name: String, span: Span) -> ResourceId {
        self.add(Resource {
            address,
            type_name,
            span,
            extent: span,
            suppressions: Vec::new(),
            region: None,
            uncertain: None,
            kind: Kind::Other,
            variant: None,
            site: None,
        })
    }

    /// Records that a resource is declared in code that is not the user's, brought in at
    /// `site` (the same site is recorded once).
    pub fn set_site(&mut self, id: ResourceId, site: CallSite) {
        let n = self.site_number(site);
        self.resources[id.index()].site = Some(n);
    }

    fn site_number(&mut self, site: CallSite) -> u32 {
        let n = self
            .sites
            .iter()
            .position(|s| *s == site)
            .unwrap_or_else(|| {
                self.sites.push(site);
                self.sites.len() - 1
            });
        u32::try_from(n).expect("< 2^32 sites")
    }

    /// Records a file of code that is not the user's, with the call site that brings it in
    /// (the first one recorded is kept).
    pub fn add_foreign_file(&mut self, file: crate::source::FileId, site: Option<CallSite>) {
        if self.foreign.contains_key(&file) {
            return;
        }
        let n = site.map(|s| self.site_number(s));
        self.foreign.insert(file, n);
    }

    /// Whether a file is code that is not the user's; the call site that brings it in.
    #[must_use]
    pub fn foreign_file(&self, file: crate::source::FileId) -> Option<Option<&CallSite>> {
        self.foreign
            .get(&file)
            .map(|n| n.and_then(|n| self.sites.get(n as usize)))
    }

    /// The call site a resource's findings are reported at, if it has one.
    #[must_use]
    pub fn site(&self, id: ResourceId) -> Option<&CallSite> {
        self.resources[id.index()]
            .site
            .and_then(|n| self.sites.get(n as usize))
    }

    /// Every call site (see [`CallSite`]).
    #[must_use]
    pub fn sites(&self) -> &[CallSite] {
        &self.sites
    }

    /// Marks a resource as one alternative of a variant set.
    pub fn set_variant(&mut self, id: ResourceId, variant: Variant) {
        self.resources[id.index()].variant = Some(variant);
    }

    /// Registers a set of alternatives; returns its number for [`Variant::set`].
    pub fn add_variant_set(&mut self, set: VariantSet) -> u32 {
        self.variant_sets.push(set);
        u32::try_from(self.variant_sets.len() - 1).expect("< 2^32 variant sets")
    }

    #[must_use]
    pub fn variant_set(&self, set: u32) -> Option<&VariantSet> {
        self.variant_sets.get(set as usize)
    }

    pub fn add_note(&mut self, note: Note) {
        self.notes.push(note);
    }

    #[must_use]
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// A module call whose registry, archive or git source was not supplied (no
    /// `.terraform/modules` in its root).
    pub fn add_unsupplied(&mut self, note: Note) {
        self.unsupplied.push(note);
    }

    #[must_use]
    pub fn unsupplied(&self) -> &[Note] {
        &self.unsupplied
    }

    /// Sets the whole declaration of a resource (see [`Resource::extent`]).
    pub fn set_extent(&mut self, id: ResourceId, extent: Span) {
        self.resources[id.index()].extent = extent;
    }

    /// Adds a suppression written in the resource's data.
    pub fn add_suppression(&mut self, id: ResourceId, suppression: Suppression) {
        self.resources[id.index()].suppressions.push(suppression);
    }

    /// Marks a resource as possibly not existing.
    pub fn set_uncertain(&mut self, id: ResourceId, reason: String) {
        self.resources[id.index()].uncertain = Some(reason);
    }

    pub fn set(&mut self, id: ResourceId, region: Option<Prop<SymStr>>, kind: Kind) {
        let r = &mut self.resources[id.index()];
        r.region = region;
        r.kind = kind;
    }

    #[must_use]
    pub fn get(&self, id: ResourceId) -> &Resource {
        &self.resources[id.index()]
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (ResourceId(u32::try_from(i).unwrap_or(u32::MAX)), r))
    }

    /// A resource, to change (tests that make properties Unknown).
    #[cfg(test)]
    pub fn get_mut(&mut self, id: ResourceId) -> &mut Resource {
        &mut self.resources[id.index()]
    }

    /// Builds the indexes reachability and rules query.
    #[must_use]
    pub fn index(&self) -> Index {
        Index::build(self)
    }
}
