//! Reachability cases, each a small Terraform design checked through the library's `check`
//! entry point: longest-prefix match, main-table fallback, region detection, non-transitive
//! peering, propagation, and Unknown values that must never become findings.

use vpclint::check::{self, Options, Report};
use vpclint::discover::{FileKind, Input};

/// Two VPCs in ap-northeast-1: A (10.0.0.0/16) holds a Kinesis interface endpoint in
/// 10.0.0.0/24; B (172.16.0.0/16) holds an m4.large in 172.16.0.0/24, whose subnet uses
/// `aws_route_table.b` unless `extra` says otherwise.
fn design(extra: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "ap-northeast-1"
}}
resource "aws_vpc" "a" {{ cidr_block = "10.0.0.0/16" }}
resource "aws_vpc" "b" {{ cidr_block = "172.16.0.0/16" }}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.0.0/24"
}}
resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.b.id
  cidr_block = "172.16.0.0/24"
}}
resource "aws_vpc_endpoint" "kinesis" {{
  vpc_id            = aws_vpc.a.id
  vpc_endpoint_type = "Interface"
  service_name      = "com.amazonaws.ap-northeast-1.kinesis-streams"
  subnet_ids        = [aws_subnet.a.id]
}}
resource "aws_instance" "legacy" {{
  instance_type = "m4.large"
  subnet_id     = aws_subnet.b.id
}}
{extra}
"#
    )
}

const PEERING: &str = r#"
resource "aws_vpc_peering_connection" "a_b" {
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.a.id
}
"#;

fn run(files: &[(&str, String)]) -> Report {
    let inputs = files
        .iter()
        .map(|(path, text)| Input {
            path: (*path).into(),
            kind: FileKind::Terraform,
            text: text.clone(),
        })
        .collect();
    check::check(inputs, Vec::new(), 0, &Options::default())
}

/// The path rules' findings (the designs here also trip NET001: their endpoint has no
/// security groups).
fn rules(report: &Report) -> Vec<&str> {
    report
        .diagnostics
        .iter()
        .map(|d| d.rule)
        .filter(|r| r.starts_with("VPC"))
        .collect()
}

/// The open questions of the path rules (DNS008 asks its own about the same path: the
/// endpoint here has private DNS off and B has no way to the internet).
fn path_unchecked(report: &Report) -> Vec<&vpclint::check::UncheckedItem> {
    report
        .unchecked
        .iter()
        .filter(|u| u.rules.iter().any(|r| r.starts_with("VPC")))
        .collect()
}

fn with_table(routes: &str) -> String {
    design(&format!(
        r#"{PEERING}
resource "aws_route_table" "b" {{
  vpc_id = aws_vpc.b.id
{routes}
}}
resource "aws_route_table_association" "b" {{
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}}
resource "aws_nat_gateway" "n" {{}}
resource "aws_internet_gateway" "i" {{}}
"#
    ))
}

#[test]
fn longest_prefix_wins_over_a_shorter_peering_route() {
    let peering_only = with_table(
        r"  route {
    cidr_block                = aws_vpc.a.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }",
    );
    // The destination is another resource's configured attribute: known at plan time, as
    // Terraform knows it (an unknown destination is tested with a variable below).
    assert_eq!(rules(&run(&[("main.tf", peering_only)])), ["VPC001"]);

    let shorter_peering = with_table(
        r#"  route {
    cidr_block                = "10.0.0.0/8"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }"#,
    );
    assert_eq!(rules(&run(&[("main.tf", shorter_peering)])), ["VPC001"]);

    let more_specific_nat = with_table(
        r#"  route {
    cidr_block                = "10.0.0.0/8"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }
  route {
    cidr_block     = "10.0.0.0/23"
    nat_gateway_id = aws_nat_gateway.n.id
  }"#,
    );
    assert_eq!(
        rules(&run(&[("main.tf", more_specific_nat)])),
        Vec::<&str>::new()
    );

    let default_route_only = with_table(
        r#"  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.i.id
  }"#,
    );
    assert_eq!(
        rules(&run(&[("main.tf", default_route_only)])),
        Vec::<&str>::new()
    );
}

#[test]
fn a_route_whose_destination_is_unknown_makes_the_pair_unchecked() {
    let report = run(&[(
        "main.tf",
        with_table(
            r"  route {
    cidr_block                = var.peer_cidr
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }",
        ),
    )]);
    assert!(report.diagnostics.is_empty());
    // Two questions stay open on the one unknown: the instance's path (VPC001) and whether
    // the endpoint's private-DNS-off name is usable from B (DNS008 asks about the endpoint).
    assert_eq!(report.summary.unchecked, 2);
    for item in &report.unchecked {
        assert!(
            item.reason.contains("var.peer_cidr"),
            "{:?}",
            report.unchecked
        );
    }
    let about: Vec<_> = report
        .unchecked
        .iter()
        .map(|u| u.resource.as_str())
        .collect();
    assert_eq!(about, ["aws_instance.legacy", "aws_vpc_endpoint.kinesis"]);
    assert!(report.unchecked[1].rules.contains(&"DNS008"));
}

#[test]
fn subnets_without_association_use_the_main_table() {
    let route = r#"
  route {
    cidr_block                = "10.0.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }"#;
    let main_association = design(&format!(
        r"{PEERING}
resource aws_route_table main {{
  vpc_id = aws_vpc.b.id
  {route}
}}
resource aws_main_route_table_association m {{
  vpc_id         = aws_vpc.b.id
  route_table_id = aws_route_table.main.id
}}"
    ));
    assert_eq!(rules(&run(&[("main.tf", main_association)])), ["VPC001"]);

    let default_table = design(&format!(
        r"{PEERING}
resource aws_default_route_table d {{
  default_route_table_id = aws_vpc.b.default_route_table_id
  {route}
}}"
    ));
    let report = run(&[("main.tf", default_table)]);
    assert_eq!(rules(&report), ["VPC001"]);
    let vpc001 = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "VPC001")
        .unwrap();
    assert_eq!(
        vpc001.path,
        [
            "aws_instance.legacy",
            "aws_subnet.b",
            "aws_default_route_table.d",
            "aws_vpc_peering_connection.a_b",
            "aws_vpc_endpoint.kinesis"
        ]
    );

    // A table with the route that is neither associated nor main is not used.
    let unused_table = design(&format!(
        r"{PEERING}
resource aws_route_table other {{
  vpc_id = aws_vpc.b.id
  {route}
}}"
    ));
    assert!(rules(&run(&[("main.tf", unused_table)])).is_empty());
}

#[test]
fn peer_region_and_provider_aliases_decide_inter_region() {
    let route = r#"
resource "aws_route" "b_to_a" {
  route_table_id            = aws_route_table.b.id
  destination_cidr_block    = "10.0.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}
resource "aws_route_table" "b" { vpc_id = aws_vpc.b.id }
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}
"#;
    let peering = |extra: &str| {
        format!(
            r#"
resource "aws_vpc_peering_connection" "a_b" {{
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.a.id
  {extra}
}}"#
        )
    };
    let same = design(&format!(
        "{route}{}",
        peering(r#"peer_region = "ap-northeast-1""#)
    ));
    assert_eq!(rules(&run(&[("main.tf", same)])), ["VPC001"]);
    let other = design(&format!(
        "{route}{}",
        peering(r#"peer_region = "us-east-1""#)
    ));
    assert_eq!(rules(&run(&[("main.tf", other)])), ["VPC002"]);
    // The requester's provider is an alias in us-east-1, the peer region too: intra-region.
    let aliased = design(&format!(
        r#"{route}
provider "aws" {{
  alias  = "use1"
  region = "us-east-1"
}}
resource "aws_vpc_peering_connection" "a_b" {{
  provider    = aws.use1
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.a.id
  peer_region = "us-east-1"
}}"#
    ));
    assert_eq!(rules(&run(&[("main.tf", aliased)])), ["VPC001"]);
    // An unknown peer region is not checked.
    let unknown = design(&format!("{route}{}", peering("peer_region = var.region")));
    let report = run(&[("main.tf", unknown)]);
    assert!(rules(&report).is_empty());
    assert_eq!(path_unchecked(&report).len(), 1);
}

#[test]
fn peering_is_not_transitive() {
    // B's route to A's CIDR goes over a peering between B and a third VPC C.
    let text = design(
        r#"
resource "aws_vpc" "c" { cidr_block = "192.168.0.0/16" }
resource "aws_vpc_peering_connection" "b_c" {
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.c.id
}
resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
  route {
    cidr_block                = "10.0.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.b_c.id
  }
}
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}"#,
    );
    assert!(rules(&run(&[("main.tf", text)])).is_empty());
}

#[test]
fn propagated_routes_count_only_with_known_static_destinations() {
    let vpn = |static_only: &str, route: &str| {
        design(&format!(
            r#"
resource "aws_vpn_gateway" "b" {{ vpc_id = aws_vpc.b.id }}
resource "aws_customer_gateway" "onprem" {{}}
resource "aws_vpn_connection" "onprem" {{
  vpn_gateway_id      = aws_vpn_gateway.b.id
  customer_gateway_id = aws_customer_gateway.onprem.id
  type                = "ipsec.1"
  {static_only}
}}
{route}
resource "aws_route_table" "b" {{ vpc_id = aws_vpc.b.id }}
resource "aws_vpn_gateway_route_propagation" "b" {{
  vpn_gateway_id = aws_vpn_gateway.b.id
  route_table_id = aws_route_table.b.id
}}
resource "aws_route_table_association" "b" {{
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}}"#
        ))
    };
    let static_route = r#"
resource "aws_vpn_connection_route" "a" {
  vpn_connection_id      = aws_vpn_connection.onprem.id
  destination_cidr_block = "10.0.0.0/16"
}"#;
    let report = run(&[("main.tf", vpn("static_routes_only = true", static_route))]);
    assert_eq!(rules(&report), ["VPC003"]);
    // BGP: what is propagated is not in the code, so the pair is not checked.
    let report = run(&[("main.tf", vpn("", ""))]);
    assert!(rules(&report).is_empty());
    let open = path_unchecked(&report);
    assert_eq!(open.len(), 1);
    assert!(open[0].reason.contains("BGP"), "{:?}", report.unchecked);
}

#[test]
fn a_virtual_private_gateway_with_only_direct_connect_is_not_vpn() {
    let text = design(
        r#"
resource "aws_vpn_gateway" "b" { vpc_id = aws_vpc.b.id }
resource "aws_dx_gateway" "dx" {}
resource "aws_dx_gateway_association" "b" {
  dx_gateway_id         = aws_dx_gateway.dx.id
  associated_gateway_id = aws_vpn_gateway.b.id
}
resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
  route {
    cidr_block = "10.0.0.0/16"
    gateway_id = aws_vpn_gateway.b.id
  }
}
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}"#,
    );
    let report = run(&[("main.tf", text)]);
    assert!(rules(&report).is_empty());
    assert_eq!(report.summary.unchecked, 0);
}

#[test]
fn secondary_cidr_blocks_are_local_routes() {
    // B gets A's range as a secondary CIDR: the local route wins, no peering path.
    let text = with_table(
        r#"  route {
    cidr_block                = "10.0.0.0/8"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }
}
resource "aws_vpc_ipv4_cidr_block_association" "b2" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.0.0.0/16""#,
    );
    assert!(rules(&run(&[("main.tf", text)])).is_empty());
}

#[test]
fn resources_spread_over_files_of_one_module_resolve() {
    let all = with_table(
        r#"  route {
    cidr_block                = "10.0.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }"#,
    );
    // Split the design at resource boundaries into two files of the same directory.
    let cut = all.find("resource \"aws_instance\"").unwrap();
    let report = run(&[
        ("net/a.tf", all[..cut].to_owned()),
        ("net/b.tf", all[cut..].to_owned()),
    ]);
    assert_eq!(rules(&report), ["VPC001"]);
    // In two different directories they are two modules: the instance's subnet is unknown.
    let report = run(&[
        ("one/a.tf", all[..cut].to_owned()),
        ("two/b.tf", all[cut..].to_owned()),
    ]);
    assert!(rules(&report).is_empty());
    assert!(report.summary.unchecked >= 1);
}

#[test]
fn an_association_that_may_not_exist_makes_the_route_table_unknown() {
    // The main table routes to the peering; an explicit association to a table without that
    // route exists only if `count` is not 0.
    let with_count = |count: &str| {
        design(&format!(
            r#"{PEERING}
variable "n" {{
  {count}
}}
resource "aws_route_table" "main" {{
  vpc_id = aws_vpc.b.id
  route {{
    cidr_block                = "10.0.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }}
}}
resource "aws_main_route_table_association" "m" {{
  vpc_id         = aws_vpc.b.id
  route_table_id = aws_route_table.main.id
}}
resource "aws_route_table" "isolated" {{ vpc_id = aws_vpc.b.id }}
resource "aws_route_table_association" "b" {{
  count          = var.n
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.isolated.id
}}"#
        ))
    };
    assert_eq!(
        rules(&run(&[("main.tf", with_count("default = 0"))])),
        ["VPC001"]
    );
    assert!(rules(&run(&[("main.tf", with_count("default = 1"))])).is_empty());
    let report = run(&[("main.tf", with_count(""))]);
    assert!(rules(&report).is_empty());
    assert!(
        report
            .unchecked
            .iter()
            .any(|u| u.reason.contains("route table is not known") && u.reason.contains("var.n")),
        "{:?}",
        report.unchecked
    );
}

#[test]
fn a_transit_gateway_shared_from_another_account_is_unknown_not_reachable() {
    // Both VPCs attach to a transit gateway that is not a resource of the code (shared
    // through RAM: read from a data source, or its id written as a literal): its route
    // tables are elsewhere, so neither a path nor a drop is known.
    for tgw in [
        "data.aws_ec2_transit_gateway.shared.id",
        "\"tgw-0123456789abcdef0\"",
    ] {
        let tf = design(&format!(
            r#"
data "aws_ec2_transit_gateway" "shared" {{
  id = "tgw-0123456789abcdef0"
}}
resource "aws_ec2_transit_gateway_vpc_attachment" "a" {{
  vpc_id             = aws_vpc.a.id
  transit_gateway_id = {tgw}
  subnet_ids         = [aws_subnet.a.id]
}}
resource "aws_ec2_transit_gateway_vpc_attachment" "b" {{
  vpc_id             = aws_vpc.b.id
  transit_gateway_id = {tgw}
  subnet_ids         = [aws_subnet.b.id]
}}
resource "aws_route_table" "b" {{
  vpc_id = aws_vpc.b.id
  route {{
    cidr_block         = "10.0.0.0/16"
    transit_gateway_id = {tgw}
  }}
}}
resource "aws_route_table_association" "b" {{
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}}
"#
        ));
        let report = run(&[("main.tf", tf)]);
        let found: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .filter(|r| ["VPC001", "NET002", "TGW001", "TGW002"].contains(r))
            .collect();
        assert!(found.is_empty(), "{tgw}: {found:?}");
        for rule in ["VPC001", "TGW001"] {
            assert!(
                report
                    .unchecked
                    .iter()
                    .any(|u| u.reason.contains("transit gateway") && u.rules.contains(&rule)),
                "{tgw}, {rule}: {:#?}",
                report.unchecked
            );
        }
    }
}

/// Shared services (10.0.0.0/16) and spoke B (10.2.0.0/16) attached to a transit gateway
/// with default association and propagation on; B's subnet sends shared services' CIDR to
/// the gateway. `extra` adds tables, repointed defaults or routes.
fn hub(gateway: &str, extra: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "ap-northeast-1"
}}
resource "aws_vpc" "shared" {{ cidr_block = "10.0.0.0/16" }}
resource "aws_vpc" "b" {{ cidr_block = "10.2.0.0/16" }}
resource "aws_subnet" "shared" {{
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "ap-northeast-1a"
}}
resource "aws_subnet" "b" {{
  vpc_id            = aws_vpc.b.id
  cidr_block        = "10.2.0.0/24"
  availability_zone = "ap-northeast-1a"
}}
resource "aws_ec2_transit_gateway" "hub" {{
{gateway}
}}
resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {{
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.shared.id
  subnet_ids         = [aws_subnet.shared.id]
}}
resource "aws_ec2_transit_gateway_vpc_attachment" "b" {{
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.b.id
  subnet_ids         = [aws_subnet.b.id]
}}
resource "aws_route_table" "b" {{
  vpc_id = aws_vpc.b.id
  route {{
    cidr_block         = "10.0.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }}
}}
resource "aws_route_table_association" "b" {{
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}}
{extra}
"#
    )
}

fn tgw001(report: &Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "TGW001")
        .map(|d| d.message.clone())
        .collect()
}

const OTHER_TABLE: &str = r#"
resource "aws_ec2_transit_gateway_route_table" "other" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway_default_route_table_association" "other" {
  transit_gateway_id             = aws_ec2_transit_gateway.hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.other.id
}
"#;

#[test]
fn repointed_default_tables_decide_where_attachments_associate_and_propagate() {
    // Defaults on: both attachments associate with and propagate into the default table.
    let report = run(&[("main.tf", hub("", ""))]);
    assert!(tgw001(&report).is_empty(), "{:?}", tgw001(&report));
    // The association default table repointed to an empty table (propagations still go to
    // the gateway's own default table): B's traffic finds no route.
    let report = run(&[("main.tf", hub("", OTHER_TABLE))]);
    let found = tgw001(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("aws_ec2_transit_gateway_route_table.other"),
        "{found:?}"
    );
    // Propagation repointed to the same table: the shared VPC's CIDR is there again.
    let both = format!(
        "{OTHER_TABLE}
resource \"aws_ec2_transit_gateway_default_route_table_propagation\" \"other\" {{
  transit_gateway_id             = aws_ec2_transit_gateway.hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.other.id
}}"
    );
    let report = run(&[("main.tf", hub("", &both))]);
    assert!(tgw001(&report).is_empty(), "{:?}", tgw001(&report));
}

#[test]
fn prefix_list_references_and_direct_connect_routes_are_unknown_not_drops() {
    let off = "  default_route_table_association = \"disable\"\n  default_route_table_propagation = \"disable\"";
    let table = r#"
resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway_route_table_association" "b" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.b.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}
"#;
    // Nothing in B's table: a drop.
    assert_eq!(tgw001(&run(&[("main.tf", hub(off, table))])).len(), 1);
    // A prefix-list reference: its entries are not in the code, so the drop is not known.
    let with_list = format!(
        r#"{table}
resource "aws_ec2_transit_gateway_prefix_list_reference" "shared" {{
  prefix_list_id                 = "pl-0123456789abcdef0"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}}"#
    );
    let report = run(&[("main.tf", hub(off, &with_list))]);
    assert!(tgw001(&report).is_empty(), "{:?}", tgw001(&report));
    assert!(
        report
            .unchecked
            .iter()
            .any(|u| u.reason.contains("prefix list") && u.rules.contains(&"TGW001")),
        "{:#?}",
        report.unchecked
    );
    // A Direct Connect gateway propagating into the table: BGP routes, not in the code.
    let with_dx = format!(
        r#"{table}
resource "aws_dx_gateway" "corp" {{
  name            = "corp"
  amazon_side_asn = "64512"
}}
resource "aws_dx_gateway_association" "corp" {{
  dx_gateway_id         = aws_dx_gateway.corp.id
  associated_gateway_id = aws_ec2_transit_gateway.hub.id
}}
resource "aws_ec2_transit_gateway_route_table_propagation" "dx" {{
  transit_gateway_attachment_id  = aws_dx_gateway_association.corp.transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}}"#
    );
    let report = run(&[("main.tf", hub(off, &with_dx))]);
    assert!(tgw001(&report).is_empty(), "{:?}", tgw001(&report));
    assert!(
        report.unchecked.iter().any(|u| u.rules.contains(&"TGW001")),
        "{:#?}",
        report.unchecked
    );
}

#[test]
fn a_summary_route_to_the_gateway_is_not_asked_even_in_an_unknown_table() {
    let route = |destination: &str| {
        format!(
            r#"
variable "table" {{}}
resource "aws_route" "to_hub" {{
  route_table_id         = var.table
  destination_cidr_block = "{destination}"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
}}"#
        )
    };
    let asked = |report: &Report| {
        report
            .unchecked
            .iter()
            .filter(|u| u.rules.contains(&"TGW001") && u.resource == "aws_route.to_hub")
            .count()
    };
    // Inside shared services' CIDR: whose table it is decides, and that is not known.
    assert_eq!(
        asked(&run(&[("main.tf", hub("", &route("10.0.1.0/24")))])),
        1
    );
    // A summary or a default route is no intent, whatever table it is in.
    for summary in ["10.0.0.0/8", "0.0.0.0/0"] {
        let report = run(&[("main.tf", hub("", &route(summary)))]);
        assert_eq!(asked(&report), 0, "{summary}: {:#?}", report.unchecked);
    }
}
