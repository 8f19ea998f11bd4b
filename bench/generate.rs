//! Synthetic trees for the benchmark, deterministic from a seed: N environments, each with
//! two VPCs (subnets, route tables, associations), a peering with routes both ways, a
//! private-DNS interface endpoint with its security group, a VPN gateway with a customer
//! gateway, a static VPN connection and route propagation, and a few instances of mixed
//! types (some Xen, so that VPC001 findings exist).
//!
//! Terraform (`tf/`): a shared local module `modules/network/` (VPC, subnets from `count` and
//! `cidrsubnet`, route table, associations, outputs) called twice from each environment
//! `live/<team>/<region>/env-NNNNN/`, which has six files: `main.tf` (provider, module
//! calls, peering and routes), `variables.tf` (defaults), `terraform.tfvars` (the
//! environment's values, some instance types overridden there), `endpoint.tf`, `vpn.tf`,
//! `compute.tf`.
//!
//! CloudFormation (`cfn/`): `stacks/<team>/<region>/env-NNNNN/network.yaml`, one template per
//! environment with `Parameters` (instance types as parameters with defaults), `!Ref`,
//! `!GetAtt`, `!Sub`, `!Select`/`!Cidr`, `Outputs` with exports, and beside it the
//! `parameters.json` a deploy pipeline would pass (AWS CLI format; vpclint reads it only
//! with `--parameters`, so discovery skips it as any other non-template JSON).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Bumped whenever the generated text changes, so that stale trees are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

const TEAMS: &[&str] = &[
    "payments", "search", "identity", "data", "platform", "media", "ledger", "growth",
];
const REGIONS: &[&str] = &["ap-northeast-1", "eu-west-1", "us-east-1", "us-west-2"];
/// Xen instance types (VPC001 fires on them over peering).
const XEN: &[&str] = &[
    "m4.large",
    "m4.xlarge",
    "t2.micro",
    "t2.medium",
    "c4.large",
    "r4.large",
];
/// Nitro instance types.
const NITRO: &[&str] = &[
    "m5.large",
    "m6i.large",
    "c5.large",
    "t3.medium",
    "r5.large",
    "m7g.large",
    "c6g.large",
];
const SERVICES: &[&str] = &["kinesis-streams", "ssm", "sqs", "ecr.api", "secretsmanager"];

/// splitmix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).expect("below n")
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One environment's values, drawn from the seed.
struct Env {
    name: String,
    team: &'static str,
    region: &'static str,
    cidr_a: String,
    cidr_b: String,
    onprem_cidr: String,
    service: &'static str,
    app_count: usize,
    /// `variables.tf` default, and the `terraform.tfvars` value when it overrides it.
    app_type_default: &'static str,
    app_type_tfvars: Option<&'static str>,
    worker_type: &'static str,
    batch_type: &'static str,
    customer_gateway_ip: String,
    bgp_asn: usize,
}

impl Env {
    fn draw(index: usize, rng: &mut Rng) -> Env {
        let team = TEAMS[index % TEAMS.len()];
        let region = REGIONS[(index / TEAMS.len()) % REGIONS.len()];
        // Octets reused across environments, as real repositories do (each environment is
        // its own account); the pair inside one environment never overlaps.
        let second = (index * 2) % 250;
        let app_type_default = rng.pick(NITRO);
        let app_type_tfvars = if rng.chance(35) {
            Some(rng.pick(XEN))
        } else if rng.chance(30) {
            Some(rng.pick(NITRO))
        } else {
            None
        };
        let worker_type = if rng.chance(20) {
            rng.pick(XEN)
        } else {
            rng.pick(NITRO)
        };
        Env {
            name: format!("env-{index:05}"),
            team,
            region,
            cidr_a: format!("10.{second}.0.0/16"),
            cidr_b: format!("10.{}.0.0/16", second + 1),
            onprem_cidr: format!("192.168.{}.0/24", rng.below(256)),
            service: rng.pick(SERVICES),
            app_count: 1 + rng.below(3),
            app_type_default,
            app_type_tfvars,
            worker_type,
            batch_type: rng.pick(NITRO),
            customer_gateway_ip: format!("203.0.113.{}", 1 + rng.below(254)),
            bgp_asn: 64_512 + rng.below(1000),
        }
    }

    fn dir(&self, top: &str) -> PathBuf {
        Path::new(top)
            .join(self.team)
            .join(self.region)
            .join(&self.name)
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// Resource instances the tree declares (after `count`, per module instance): what a
    /// linter has to model. Terraform: 12 in the two module instances, 3 peering and routes,
    /// 2 endpoint, 5 VPN, 2 + `app_count` instances; CloudFormation: 25 + `app_count`.
    pub resources: usize,
}

struct Out {
    root: PathBuf,
    written: Written,
}

impl Out {
    fn write(&mut self, rel: &Path, text: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
        self.written.files += 1;
        self.written.bytes += text.len() as u64;
        Ok(())
    }
}

/// Writes the Terraform tree for `n` environments under `root` (which should be empty).
pub fn terraform(root: &Path, n: usize, seed: u64) -> io::Result<Written> {
    let mut out = Out {
        root: root.to_path_buf(),
        written: Written::default(),
    };
    let module = Path::new("modules/network");
    out.write(&module.join("main.tf"), MODULE_MAIN)?;
    out.write(&module.join("variables.tf"), MODULE_VARIABLES)?;
    out.write(&module.join("outputs.tf"), MODULE_OUTPUTS)?;
    let mut rng = Rng::new(seed);
    for i in 0..n {
        let env = Env::draw(i, &mut rng);
        let dir = env.dir("live");
        out.write(&dir.join("main.tf"), &tf_main(&env))?;
        out.write(&dir.join("variables.tf"), &tf_variables(&env))?;
        out.write(&dir.join("terraform.tfvars"), &tf_tfvars(&env))?;
        out.write(&dir.join("endpoint.tf"), &tf_endpoint(&env))?;
        out.write(&dir.join("vpn.tf"), &tf_vpn(&env))?;
        out.write(&dir.join("compute.tf"), &tf_compute(&env))?;
        out.written.resources += 24 + env.app_count;
    }
    Ok(out.written)
}

/// Writes the CloudFormation tree for `n` environments under `root`.
pub fn cloudformation(root: &Path, n: usize, seed: u64) -> io::Result<Written> {
    let mut out = Out {
        root: root.to_path_buf(),
        written: Written::default(),
    };
    let mut rng = Rng::new(seed);
    for i in 0..n {
        let env = Env::draw(i, &mut rng);
        let dir = env.dir("stacks");
        out.write(&dir.join("network.yaml"), &cfn_template(&env))?;
        out.write(&dir.join("parameters.json"), &cfn_parameters(&env))?;
        out.written.resources += 25 + env.app_count;
    }
    Ok(out.written)
}

const MODULE_MAIN: &str = r#"# One VPC with a private subnet per availability zone and one private route table.
# Called by every environment under live/, once for each of its two VPCs.

locals {
  tags = merge(var.tags, {
    Module = "network"
    Name   = var.name
  })
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = var.enable_dns
  enable_dns_hostnames = var.enable_dns

  tags = local.tags
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr_block, var.subnet_newbits, count.index)
  availability_zone = var.azs[count.index]

  tags = merge(local.tags, {
    Name = "${var.name}-private-${var.azs[count.index]}"
    Tier = "private"
  })
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, {
    Name = "${var.name}-private"
  })
}

resource "aws_route_table_association" "private" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}
"#;

const MODULE_VARIABLES: &str = r#"variable "name" {
  description = "Name prefix for every resource of this VPC."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's primary IPv4 CIDR block."
  type        = string
}

variable "azs" {
  description = "Availability zones, one private subnet each."
  type        = list(string)
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet."
  type        = number
  default     = 8
}

variable "enable_dns" {
  description = "DNS support and DNS hostnames (needed for private DNS on interface endpoints)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
"#;

const MODULE_OUTPUTS: &str = r#"output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.this.id
}

output "cidr_block" {
  description = "The VPC's primary CIDR block."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "One private subnet per availability zone."
  value       = aws_subnet.private[*].id
}

output "route_table_id" {
  description = "The private route table."
  value       = aws_route_table.private.id
}
"#;

fn tf_main(env: &Env) -> String {
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        r#"# {name}: a shared-services VPC (A) with the interface endpoint, and an application VPC
# (B) peered with it. Team {team}, region {region}.

terraform {{
  required_version = ">= 1.5"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

provider "aws" {{
  region = var.region

  default_tags {{
    tags = local.tags
  }}
}}

locals {{
  tags = {{
    Environment = var.environment
    Team        = "{team}"
    ManagedBy   = "terraform"
  }}
  azs = ["${{var.region}}a", "${{var.region}}c"]
}}

module "vpc_a" {{
  source = "../../../../modules/network"

  name       = "${{var.environment}}-shared"
  cidr_block = var.cidr_a
  azs        = local.azs
  tags       = local.tags
}}

module "vpc_b" {{
  source = "../../../../modules/network"

  name       = "${{var.environment}}-app"
  cidr_block = var.cidr_b
  azs        = local.azs
  tags       = local.tags
}}

resource "aws_vpc_peering_connection" "a_b" {{
  vpc_id      = module.vpc_b.vpc_id
  peer_vpc_id = module.vpc_a.vpc_id
  auto_accept = true

  requester {{
    allow_remote_vpc_dns_resolution = true
  }}

  tags = {{
    Name = "${{var.environment}}-app-to-shared"
  }}
}}

resource "aws_route" "a_to_b" {{
  route_table_id            = module.vpc_a.route_table_id
  destination_cidr_block    = module.vpc_b.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}}

resource "aws_route" "b_to_a" {{
  route_table_id            = module.vpc_b.route_table_id
  destination_cidr_block    = module.vpc_a.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}}
"#,
        name = env.name,
        team = env.team,
        region = env.region,
    );
    s
}

fn tf_variables(env: &Env) -> String {
    format!(
        r#"variable "region" {{
  description = "AWS region of this environment."
  type        = string
  default     = "us-east-1"
}}

variable "environment" {{
  description = "Environment name, used in names and tags."
  type        = string
}}

variable "cidr_a" {{
  description = "CIDR block of the shared-services VPC."
  type        = string
  default     = "10.0.0.0/16"
}}

variable "cidr_b" {{
  description = "CIDR block of the application VPC."
  type        = string
  default     = "10.1.0.0/16"
}}

variable "onprem_cidr" {{
  description = "The on-premises network reached over the VPN."
  type        = string
}}

variable "endpoint_service" {{
  description = "The AWS service the interface endpoint serves."
  type        = string
  default     = "{service}"
}}

variable "ami_id" {{
  description = "AMI for every instance."
  type        = string
  default     = "ami-0123456789abcdef0"
}}

variable "app_count" {{
  description = "Number of application instances."
  type        = number
  default     = 1
}}

variable "app_instance_type" {{
  description = "Instance type of the application instances."
  type        = string
  default     = "{app_default}"
}}

variable "worker_instance_type" {{
  description = "Instance type of the worker."
  type        = string
  default     = "m5.large"
}}
"#,
        service = env.service,
        app_default = env.app_type_default,
    )
}

fn tf_tfvars(env: &Env) -> String {
    let mut s = format!(
        "# {name} ({team})\nregion      = \"{region}\"\nenvironment = \"{name}\"\ncidr_a      = \"{a}\"\ncidr_b      = \"{b}\"\nonprem_cidr = \"{onprem}\"\napp_count   = {count}\n\nworker_instance_type = \"{worker}\"\n",
        name = env.name,
        team = env.team,
        region = env.region,
        a = env.cidr_a,
        b = env.cidr_b,
        onprem = env.onprem_cidr,
        count = env.app_count,
        worker = env.worker_type,
    );
    if let Some(t) = env.app_type_tfvars {
        let _ = writeln!(s, "app_instance_type    = \"{t}\"");
    }
    s
}

fn tf_endpoint(env: &Env) -> String {
    format!(
        r#"# The {service} interface endpoint in the shared VPC, with private DNS, open to HTTPS from
# the application VPC.

resource "aws_security_group" "endpoint" {{
  name_prefix = "${{var.environment}}-endpoint-"
  description = "HTTPS to the {service} endpoint from the application VPC"
  vpc_id      = module.vpc_a.vpc_id

  ingress {{
    description = "HTTPS from the application VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.cidr_b]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_vpc_endpoint" "service" {{
  vpc_id              = module.vpc_a.vpc_id
  vpc_endpoint_type   = "Interface"
  service_name        = "com.amazonaws.${{var.region}}.${{var.endpoint_service}}"
  subnet_ids          = module.vpc_a.private_subnet_ids
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = true

  tags = {{
    Name = "${{var.environment}}-{short}"
  }}
}}
"#,
        service = env.service,
        short = env.service.replace('.', "-"),
    )
}

fn tf_vpn(env: &Env) -> String {
    format!(
        r#"# Site-to-site VPN from the application VPC to the office network, static routes.

resource "aws_vpn_gateway" "this" {{
  vpc_id          = module.vpc_b.vpc_id
  amazon_side_asn = 64512

  tags = {{
    Name = "${{var.environment}}-vgw"
  }}
}}

resource "aws_customer_gateway" "office" {{
  bgp_asn    = {asn}
  ip_address = "{ip}"
  type       = "ipsec.1"

  tags = {{
    Name = "${{var.environment}}-office"
  }}
}}

resource "aws_vpn_connection" "office" {{
  vpn_gateway_id      = aws_vpn_gateway.this.id
  customer_gateway_id = aws_customer_gateway.office.id
  type                = "ipsec.1"
  static_routes_only  = true
}}

resource "aws_vpn_connection_route" "office" {{
  destination_cidr_block = var.onprem_cidr
  vpn_connection_id      = aws_vpn_connection.office.id
}}

resource "aws_vpn_gateway_route_propagation" "app" {{
  vpn_gateway_id = aws_vpn_gateway.this.id
  route_table_id = module.vpc_b.route_table_id
}}
"#,
        asn = env.bgp_asn,
        ip = env.customer_gateway_ip,
    )
}

fn tf_compute(env: &Env) -> String {
    format!(
        r#"# Application instances and a worker in the application VPC; a batch host in the shared VPC.

resource "aws_instance" "app" {{
  count         = var.app_count
  ami           = var.ami_id
  instance_type = var.app_instance_type
  subnet_id     = element(module.vpc_b.private_subnet_ids, count.index)

  tags = {{
    Name = "${{var.environment}}-app-${{count.index}}"
    Role = "app"
  }}
}}

resource "aws_instance" "worker" {{
  ami           = var.ami_id
  instance_type = var.worker_instance_type
  subnet_id     = module.vpc_b.private_subnet_ids[1]

  root_block_device {{
    volume_size = 50
    encrypted   = true
  }}

  tags = {{
    Name = "${{var.environment}}-worker"
    Role = "worker"
  }}
}}

resource "aws_instance" "batch" {{
  ami           = var.ami_id
  instance_type = "{batch}"
  subnet_id     = module.vpc_a.private_subnet_ids[0]

  tags = {{
    Name = "${{var.environment}}-batch"
    Role = "batch"
  }}
}}
"#,
        batch = env.batch_type,
    )
}

fn cfn_template(env: &Env) -> String {
    let app_type = env.app_type_tfvars.unwrap_or(env.app_type_default);
    let mut apps = String::new();
    for k in 0..env.app_count {
        let subnet = if k % 2 == 0 { "SubnetB1" } else { "SubnetB2" };
        let _ = write!(
            apps,
            r"  AppInstance{k}:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref AmiId
      InstanceType: !Ref AppInstanceType
      SubnetId: !Ref {subnet}
      Tags:
        - Key: Name
          Value: !Sub ${{EnvironmentName}}-app-{k}
        - Key: Role
          Value: app
"
        );
    }
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  {name} ({team}): a shared-services VPC (A) with the {service} interface endpoint and an
  application VPC (B) peered with it, with a site-to-site VPN to the office.

Parameters:
  EnvironmentName:
    Type: String
    Default: {name}
  VpcACidr:
    Type: String
    Default: {a}
  VpcBCidr:
    Type: String
    Default: {b}
  OnPremCidr:
    Type: String
    Default: {onprem}
  AmiId:
    Type: AWS::EC2::Image::Id
    Default: ami-0123456789abcdef0
  AppInstanceType:
    Type: String
    Default: {app_type}
    AllowedValues: [{app_type}, m5.large, c5.large, t3.medium]
  WorkerInstanceType:
    Type: String
    Default: {worker}

Resources:
  VpcA:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcACidr
      EnableDnsSupport: true
      EnableDnsHostnames: true
      Tags:
        - Key: Name
          Value: !Sub ${{EnvironmentName}}-shared
  SubnetA1:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcA
      CidrBlock: !Select [0, !Cidr [!GetAtt VpcA.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
  SubnetA2:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcA
      CidrBlock: !Select [1, !Cidr [!GetAtt VpcA.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [1, !GetAZs ""]
  RouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VpcA
  SubnetA1RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA1
      RouteTableId: !Ref RouteTableA
  SubnetA2RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA2
      RouteTableId: !Ref RouteTableA

  VpcB:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcBCidr
      EnableDnsSupport: true
      EnableDnsHostnames: true
      Tags:
        - Key: Name
          Value: !Sub ${{EnvironmentName}}-app
  SubnetB1:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcB
      CidrBlock: !Select [0, !Cidr [!GetAtt VpcB.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
  SubnetB2:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcB
      CidrBlock: !Select [1, !Cidr [!GetAtt VpcB.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [1, !GetAZs ""]
  RouteTableB:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VpcB
  SubnetB1RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetB1
      RouteTableId: !Ref RouteTableB
  SubnetB2RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetB2
      RouteTableId: !Ref RouteTableB

  Peering:
    Type: AWS::EC2::VPCPeeringConnection
    Properties:
      VpcId: !Ref VpcB
      PeerVpcId: !Ref VpcA
      Tags:
        - Key: Name
          Value: !Sub ${{EnvironmentName}}-app-to-shared
  RouteAToB:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref RouteTableA
      DestinationCidrBlock: !GetAtt VpcB.CidrBlock
      VpcPeeringConnectionId: !Ref Peering
  RouteBToA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref RouteTableB
      DestinationCidrBlock: !GetAtt VpcA.CidrBlock
      VpcPeeringConnectionId: !Ref Peering

  EndpointSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTPS to the {service} endpoint from the application VPC
      VpcId: !Ref VpcA
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: !GetAtt VpcB.CidrBlock
  ServiceEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.{service}
      VpcId: !Ref VpcA
      PrivateDnsEnabled: true
      SubnetIds:
        - !Ref SubnetA1
        - !Ref SubnetA2
      SecurityGroupIds:
        - !GetAtt EndpointSecurityGroup.GroupId

  VpnGateway:
    Type: AWS::EC2::VPNGateway
    Properties:
      Type: ipsec.1
      AmazonSideAsn: 64512
  VpnGatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref VpcB
      VpnGatewayId: !Ref VpnGateway
  CustomerGateway:
    Type: AWS::EC2::CustomerGateway
    Properties:
      Type: ipsec.1
      BgpAsn: {asn}
      IpAddress: {ip}
  VpnConnection:
    Type: AWS::EC2::VPNConnection
    Properties:
      Type: ipsec.1
      StaticRoutesOnly: true
      CustomerGatewayId: !Ref CustomerGateway
      VpnGatewayId: !Ref VpnGateway
  VpnConnectionRoute:
    Type: AWS::EC2::VPNConnectionRoute
    Properties:
      DestinationCidrBlock: !Ref OnPremCidr
      VpnConnectionId: !Ref VpnConnection
  VpnRoutePropagation:
    Type: AWS::EC2::VPNGatewayRoutePropagation
    DependsOn: VpnGatewayAttachment
    Properties:
      RouteTableIds:
        - !Ref RouteTableB
      VpnGatewayId: !Ref VpnGateway

{apps}  WorkerInstance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref AmiId
      InstanceType: !Ref WorkerInstanceType
      SubnetId: !Ref SubnetB2
      Tags:
        - Key: Name
          Value: !Sub ${{EnvironmentName}}-worker
  BatchInstance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref AmiId
      InstanceType: {batch}
      SubnetId: !Ref SubnetA1

Outputs:
  SharedVpcId:
    Value: !Ref VpcA
    Export:
      Name: !Sub ${{EnvironmentName}}-shared-vpc-id
  AppVpcId:
    Value: !Ref VpcB
    Export:
      Name: !Sub ${{EnvironmentName}}-app-vpc-id
  EndpointDnsEntries:
    Value: !Join [",", !GetAtt ServiceEndpoint.DnsEntries]
"#,
        name = env.name,
        team = env.team,
        service = env.service,
        a = env.cidr_a,
        b = env.cidr_b,
        onprem = env.onprem_cidr,
        worker = env.worker_type,
        batch = env.batch_type,
        asn = env.bgp_asn,
        ip = env.customer_gateway_ip,
    )
}

fn cfn_parameters(env: &Env) -> String {
    format!(
        "[\n  {{\"ParameterKey\": \"EnvironmentName\", \"ParameterValue\": \"{}\"}},\n  {{\"ParameterKey\": \"OnPremCidr\", \"ParameterValue\": \"{}\"}}\n]\n",
        env.name, env.onprem_cidr
    )
}
