//! `vpclint graph`: every format snapshot-tested on the seed example and on a hub-and-spoke
//! network with a transit gateway (`tests/data/graph/hub-and-spoke`); what a finding's path
//! highlights; `--focus`, `--findings-only` and folding; the layout of every fixture; the
//! README's diagram; the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use vpclint::check::{self, Options, Report, UnitGraph};
use vpclint::discover;
use vpclint::graph::{self, layout, EdgeKind, Focus, Format, View, ViewOptions};

const SEED: &str = "examples/seed";
const HUB: &str = "tests/data/graph/hub-and-spoke";

fn run(paths: &[&str]) -> (Report, Vec<UnitGraph>) {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let found = discover::discover(&paths);
    assert!(found.missing.is_empty());
    check::check_with_graphs(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

fn view(paths: &[&str], options: &ViewOptions) -> View {
    let (report, units) = run(paths);
    graph::view(&report, &units, options).expect("a view")
}

fn full(path: &str) -> View {
    view(&[path], &ViewOptions::default())
}

fn addresses(view: &View) -> Vec<&str> {
    view.nodes.iter().map(|n| n.address.as_str()).collect()
}

fn node<'v>(view: &'v View, address: &str) -> (usize, &'v graph::Node) {
    view.nodes
        .iter()
        .enumerate()
        .find(|(_, n)| n.address == address)
        .unwrap_or_else(|| panic!("{address} is not drawn: {:?}", addresses(view)))
}

#[test]
fn formats_are_snapshot_tested_on_the_seed_and_a_hub_and_spoke_network() {
    for (path, name) in [(SEED, "seed"), (HUB, "hub_and_spoke")] {
        let view = full(path);
        for (format, suffix) in [
            (Format::Mermaid, "mermaid"),
            (Format::Dot, "dot"),
            (Format::Json, "json"),
        ] {
            insta::assert_snapshot!(format!("{name}_{suffix}"), graph::render(&view, format));
        }
    }
}

#[test]
fn the_hub_and_spoke_network_is_drawn_as_designed() {
    let view = full(HUB);
    assert_eq!(view.units.len(), 1);
    let kind = |a: &str| node(&view, a).1.kind;
    let parent = |a: &str| {
        node(&view, a)
            .1
            .parent
            .map(|p| view.nodes[p].address.as_str())
    };
    // VPCs hold their subnets, route tables, endpoints, compute and gateways.
    assert_eq!(parent("aws_subnet.hub_a"), Some("aws_vpc.hub"));
    assert_eq!(parent("aws_route_table.data"), Some("aws_vpc.data"));
    assert_eq!(parent("aws_vpc_endpoint.ssm"), Some("aws_vpc.hub"));
    assert_eq!(
        parent("aws_autoscaling_group.workers"),
        Some("aws_vpc.data")
    );
    assert_eq!(
        parent("aws_route53_resolver_endpoint.inbound"),
        Some("aws_vpc.hub")
    );
    // A NAT gateway names no VPC: it is drawn where the routes to it are.
    assert_eq!(parent("aws_nat_gateway.hub"), Some("aws_vpc.hub"));
    // Transit and DNS between the VPCs.
    assert_eq!(parent("aws_ec2_transit_gateway.hub"), None);
    assert_eq!(
        kind("aws_ec2_transit_gateway.hub"),
        graph::NodeKind::TransitGateway
    );
    assert_eq!(
        kind("aws_vpn_connection.office"),
        graph::NodeKind::VpnConnection
    );
    assert_eq!(kind("aws_dx_gateway.corp"), graph::NodeKind::DirectConnect);
    assert_eq!(kind("aws_route53_zone.internal"), graph::NodeKind::Dns);
    // Associations and attachments are edges, named by their resource.
    let edge = |resource: &str| {
        let e = view
            .edges
            .iter()
            .find(|e| e.resources.iter().any(|r| r == resource))
            .unwrap_or_else(|| panic!("no edge for {resource}"));
        (
            view.nodes[e.from].address.as_str(),
            view.nodes[e.to].address.as_str(),
            e.kind,
        )
    };
    assert_eq!(
        edge("aws_ec2_transit_gateway_vpc_attachment.data"),
        (
            "aws_vpc.data",
            "aws_ec2_transit_gateway.hub",
            graph::EdgeKind::Attachment
        )
    );
    assert_eq!(
        edge("aws_route.hub_to_legacy"),
        (
            "aws_route_table.hub",
            "aws_vpc_peering_connection.legacy",
            graph::EdgeKind::Route
        )
    );
    assert_eq!(
        edge("aws_route53_zone_association.data"),
        (
            "aws_route53_zone.internal",
            "aws_vpc.data",
            graph::EdgeKind::Association
        )
    );
    assert_eq!(
        edge("aws_dx_gateway_association.corp"),
        (
            "aws_dx_gateway.corp",
            "aws_ec2_transit_gateway.hub",
            graph::EdgeKind::Attachment
        )
    );
    // Route resources are lines of their table too, as inline routes are.
    let (_, hub_table) = node(&view, "aws_route_table.hub");
    assert!(hub_table
        .details
        .contains(&"10.0.0.0/8 → aws_ec2_transit_gateway.hub".to_owned()));
    let (_, workers) = node(&view, "aws_launch_template.workers");
    assert!(workers.details.contains(&"c5.large · Nitro".to_owned()));
    let (_, legacy) = node(&view, "aws_instance.legacy");
    assert!(legacy.details.contains(&"m4.large · Xen".to_owned()));
}

#[test]
fn a_finding_highlights_its_path_hop_by_hop() {
    let view = full(HUB);
    let rules: Vec<&str> = view.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["DNS001", "DNS001", "VPC001"]);
    let vpc001 = &view.findings[2];
    let drawn: Vec<&str> = vpc001
        .nodes
        .iter()
        .map(|&n| view.nodes[n].address.as_str())
        .collect();
    let mut sorted = drawn.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "aws_instance.legacy",
            "aws_route_table.legacy",
            "aws_subnet.legacy_a",
            "aws_vpc_endpoint.ssm",
            "aws_vpc_peering_connection.legacy",
        ]
    );
    let hops: Vec<(&str, &str, graph::EdgeKind)> = vpc001
        .edges
        .iter()
        .map(|&e| {
            let e = &view.edges[e];
            (
                view.nodes[e.from].address.as_str(),
                view.nodes[e.to].address.as_str(),
                e.kind,
            )
        })
        .collect();
    for hop in [
        ("aws_instance.legacy", "aws_subnet.legacy_a", EdgeKind::Uses),
        (
            "aws_subnet.legacy_a",
            "aws_route_table.legacy",
            EdgeKind::Association,
        ),
        (
            "aws_route_table.legacy",
            "aws_vpc_peering_connection.legacy",
            EdgeKind::Route,
        ),
        // The peering reaches the endpoint through the endpoint's VPC.
        (
            "aws_vpc_peering_connection.legacy",
            "aws_vpc.hub",
            EdgeKind::Peering,
        ),
    ] {
        assert!(hops.contains(&hop), "{hop:?} not in {hops:?}");
    }
    assert_eq!(hops.len(), 4, "{hops:?}");
    // Nodes and edges carry the finding; the transit gateway's path is another finding's.
    let (_, tgw) = node(&view, "aws_ec2_transit_gateway.hub");
    assert_eq!(view.rules(&tgw.findings), ["DNS001"]);
    let (_, app) = node(&view, "aws_vpc.app");
    assert!(
        app.findings.is_empty(),
        "aws_vpc.app forwards the name: no finding"
    );
}

#[test]
fn focus_draws_one_hop_around_a_path() {
    let options = |focus: &str| ViewOptions {
        focus: Some(focus.to_owned()),
        ..ViewOptions::default()
    };
    let by_address = view(&[HUB], &options("aws_instance.legacy"));
    let drawn = addresses(&by_address);
    for expected in [
        "aws_instance.legacy",
        "aws_subnet.legacy_a",
        "aws_route_table.legacy",
        "aws_vpc_peering_connection.legacy",
        "aws_vpc_endpoint.ssm",
        // One hop: the endpoint's subnets and security group, the peering's VPCs.
        "aws_subnet.hub_a",
        "aws_security_group.endpoints",
        "aws_vpc.hub",
        "aws_vpc.legacy",
    ] {
        assert!(drawn.contains(&expected), "{expected} not in {drawn:?}");
    }
    for left_out in ["aws_instance.app", "aws_vpc.data", "aws_dx_gateway.corp"] {
        assert!(!drawn.contains(&left_out), "{left_out} in {drawn:?}");
    }
    assert_eq!(by_address.focus.as_deref(), Some("aws_instance.legacy"));
    assert!(by_address.hidden > 0);
    // The finding it touches, and the others drawn whole (DNS001 on aws_vpc.legacy).
    let kept: Vec<&str> = by_address
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(kept, ["DNS001", "VPC001"]);

    // A rule id, and FILE:LINE of the finding, select the same.
    let by_rule = view(&[HUB], &options("VPC001"));
    let by_line = view(&[HUB], &options("spokes.tf:126"));
    assert_eq!(addresses(&by_rule), drawn);
    assert_eq!(addresses(&by_line), drawn);
    // A line inside a resource's block selects that resource.
    let in_block = view(&[HUB], &options("hub-and-spoke/onprem.tf:10"));
    let drawn = addresses(&in_block);
    assert!(drawn.contains(&"aws_vpn_connection.office"), "{drawn:?}");
    assert!(drawn.contains(&"aws_customer_gateway.office"), "{drawn:?}");
    assert!(!drawn.contains(&"aws_instance.legacy"), "{drawn:?}");

    let (report, units) = run(&[HUB]);
    for nothing in ["aws_instance.nope", "NET001", "spokes.tf:1000"] {
        let error = graph::view(&report, &units, &options(nothing)).unwrap_err();
        assert!(
            error.0.starts_with(&format!("--focus {nothing}:")),
            "{error}"
        );
    }
    assert_eq!(Focus::parse("VPC001"), Focus::Rule("VPC001".into()));
    assert_eq!(
        Focus::parse("aws_instance.a"),
        Focus::Resource("aws_instance.a".into())
    );
    assert_eq!(
        Focus::parse("a/main.tf:3"),
        Focus::Line {
            file: "a/main.tf".into(),
            line: 3
        }
    );
}

#[test]
fn findings_only_keeps_the_units_and_paths_of_findings() {
    let options = ViewOptions {
        findings_only: true,
        ..ViewOptions::default()
    };
    let both = view(&[SEED, "fixtures/DNS001/pass/tf-own-endpoint"], &options);
    let labels: Vec<&str> = both.units.iter().map(|u| u.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "examples/seed/cloudformation/template.yaml",
            "examples/seed/terraform"
        ]
    );
    let drawn = addresses(&both);
    assert!(drawn.contains(&"aws_instance.legacy"));
    assert!(
        !drawn.contains(&"aws_security_group.kinesis_endpoint")
            || drawn.contains(&"aws_vpc_endpoint.kinesis")
    );
    assert!(both.nodes.len() < full(SEED).nodes.len());
    let none = view(&["fixtures/DNS001/pass/tf-own-endpoint"], &options);
    assert!(none.nodes.is_empty() && none.units.is_empty());
    assert!(graph::render(&none, Format::Markdown).contains("Nothing to draw."));
}

#[test]
fn large_trees_fold_what_no_finding_touches_first() {
    let unfolded = ViewOptions {
        max_nodes: usize::MAX,
        ..ViewOptions::default()
    };
    let all = view(&["fixtures", SEED, HUB], &unfolded);
    assert!(all.units.len() > 30, "{}", all.units.len());
    let max = 120;
    let folded = graph::fold(all.clone(), max);
    assert!(folded.nodes.len() <= max, "{}", folded.nodes.len());
    assert_eq!(
        folded.units.len(),
        all.units.len(),
        "folded units stay, as boxes"
    );
    assert_eq!(folded.findings.len(), all.findings.len());
    let folded_units: Vec<&graph::Unit> =
        folded.units.iter().filter(|u| u.folded.is_some()).collect();
    assert!(!folded_units.is_empty());
    // Units without findings fold before any unit with findings.
    let with_findings = |u: &graph::Unit| u.folded.map_or(0, |c| c.findings);
    if folded_units.iter().any(|u| with_findings(u) > 0) {
        assert!(all.units.iter().enumerate().all(|(i, _)| all
            .findings
            .iter()
            .any(|f| f.unit == Some(i))
            || folded.units[i].folded.is_some()));
    }
    let counted: usize = folded
        .units
        .iter()
        .filter_map(|u| u.folded)
        .map(|c| c.nodes)
        .sum::<usize>()
        + folded.nodes.len()
        + folded
            .nodes
            .iter()
            .filter_map(|n| n.folded)
            .map(|c| c.nodes)
            .sum::<usize>();
    assert_eq!(counted, all.nodes.len(), "every node is drawn or counted");
    // Within one unit, VPCs fold when the unit alone is too large.
    let hub = full(HUB);
    let small = graph::fold(hub.clone(), 20);
    assert!(small.nodes.len() <= 20, "{}", small.nodes.len());
    assert!(small.nodes.iter().any(|n| n.folded.is_some()));
    // The path of a finding still lands on what is drawn.
    for f in &small.findings {
        assert!(!f.nodes.is_empty(), "{f:?}");
    }
}

#[test]
fn every_fixture_draws_its_findings_paths_and_lays_out_readably() {
    let all = view(
        &["fixtures", SEED, HUB],
        &ViewOptions {
            max_nodes: usize::MAX,
            ..ViewOptions::default()
        },
    );
    for (u, unit) in all.units.iter().enumerate() {
        let mut seen: Vec<&str> = all
            .nodes
            .iter()
            .filter(|n| n.unit == u)
            .map(|n| n.address.as_str())
            .collect();
        let count = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len(),
            count,
            "{}: a resource is drawn twice",
            unit.label
        );
    }
    for f in &all.findings {
        let Some(u) = f.unit else {
            panic!("{} {}: in no unit", f.rule, f.resource)
        };
        for address in &f.path {
            let drawn = all.nodes.iter().any(|n| {
                n.unit == u
                    && (&n.address == address || n.members.iter().any(|m| &m.address == address))
            }) || all
                .edges
                .iter()
                .any(|e| all.nodes[e.from].unit == u && e.resources.contains(address));
            assert!(
                drawn,
                "{} in {}: {address} of its path is not drawn",
                f.rule, all.units[u].label
            );
        }
        // A network path that leaves a VPC has its hops drawn (other rules' paths may join
        // resources that no graph edge joins: a resolver rule and the VPC whose address
        // it targets).
        let nodes: Vec<usize> = f.nodes.clone();
        let contained = nodes.iter().all(|&n| {
            nodes.iter().all(|&m| {
                m == n || all.nodes[m].parent == Some(n) || all.nodes[n].parent == Some(m)
            })
        });
        let network = f.rule.starts_with("VPC") || f.rule == "DNS001";
        if network && f.path.len() > 1 && !contained {
            assert!(
                !f.edges.is_empty(),
                "{} {}: no hop highlighted",
                f.rule,
                f.resource
            );
        }
    }
    let laid = layout::layout(&all);
    let problems = layout::problems(&all, &laid);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn markdown_stays_within_its_cap() {
    let all = view(
        &["fixtures", SEED, HUB],
        &ViewOptions {
            max_nodes: usize::MAX,
            ..ViewOptions::default()
        },
    );
    let full_text = graph::markdown::render(&all, usize::MAX);
    assert!(full_text.starts_with("### vpclint graph\n\n```mermaid\nflowchart LR\n"));
    let text = graph::markdown::render(&all, 40_000);
    assert!(text.len() <= 40_000, "{}", text.len());
    assert!(text.contains("Folded to at most"), "{}", &text[..200]);
    assert!(text.contains("| VPC001 |"));
    for cap in [20_000, 8_000, 2_000] {
        let text = graph::markdown::render(&all, cap);
        assert!(text.len() <= cap, "{} > {cap}", text.len());
        assert!(text.contains("more findings."));
    }
    let tiny = graph::markdown::render(&all, 2_000);
    assert!(tiny.contains("larger than this summary allows"), "{tiny}");
    assert!(!tiny.contains("```mermaid"));
}

/// The README shows the seed example's Terraform diagram as `vpclint graph` draws it.
#[test]
fn the_readme_shows_the_seed_diagram() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let expected = graph::render(&full("examples/seed/terraform"), Format::Mermaid);
    let block = format!("```mermaid\n{expected}```");
    assert!(
        readme.contains(&block),
        "README.md's diagram is stale; replace it with the output of \
         `vpclint graph examples/seed/terraform`:\n{expected}"
    );
}

fn vpclint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .output()
        .expect("vpclint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_command_line() {
    let (code, json, _) = vpclint(&["graph", "--format", "json", HUB]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["findings"], 3);
    // Check's evaluation flags: the access model changes the findings drawn.
    let (code, json, _) = vpclint(&[
        "graph",
        "--format",
        "json",
        "--access-model",
        "current",
        HUB,
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["findings"], 2);
    let (_, json, _) = vpclint(&["graph", "--format", "json", "--select", "VPC", HUB]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["findings"], 1);
    // Usage errors: exit 2 with the reason.
    let (code, out, err) = vpclint(&["graph", "--focus", "aws_instance.nope", HUB]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("--focus aws_instance.nope: no resource or finding there"),
        "{err}"
    );
    let (code, _, err) = vpclint(&["graph", "no/such/dir"]);
    assert_eq!(code, 2, "{err}");
    // Every format, deterministic across thread counts.
    for format in ["mermaid", "dot", "html", "json", "markdown"] {
        let once = Command::new(env!("CARGO_BIN_EXE_vpclint"))
            .args(["graph", "--format", format, "fixtures", SEED])
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .unwrap();
        let again = Command::new(env!("CARGO_BIN_EXE_vpclint"))
            .args(["graph", "--format", format, "fixtures", SEED])
            .env("RAYON_NUM_THREADS", "2")
            .output()
            .unwrap();
        assert!(once.status.success() && !once.stdout.is_empty(), "{format}");
        assert!(
            once.stdout == again.stdout,
            "{format} differs across thread counts"
        );
    }
}

#[test]
fn the_html_page_is_self_contained() {
    let html = graph::render(&full(HUB), Format::Html);
    for remote in ["http://", "https://", "src=", "@import", "url(http"] {
        let allowed = html.matches("http://www.w3.org/2000/svg").count();
        let found = html.matches(remote).count();
        let found = if remote == "http://" {
            found - allowed
        } else {
            found
        };
        assert_eq!(found, 0, "the page refers to {remote}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert_eq!(html.matches("data-node=\"").count(), full(HUB).nodes.len());
    // The data cannot end its script element.
    let data_start = html.find("id=\"vpclint-data\">").unwrap();
    let data_end = html[data_start..].find("</script>").unwrap() + data_start;
    assert!(!html[data_start + 18..data_end].contains('<'));
    let _ = Path::new(HUB);
}

/// The `Run vpclint` step of `action.yml`, run as GitHub would (with bash): with findings it
/// appends the diagram to the step summary, without findings nothing, and arguments that
/// only `check` takes cost the diagram, not the step.
#[test]
fn the_action_attaches_the_diagram_to_the_step_summary() {
    let action = std::fs::read_to_string("action.yml").unwrap();
    let step = &action[action.find("id: run").expect("the run step")..];
    let body: String = step[step.find("run: |\n").unwrap() + "run: |\n".len()..]
        .lines()
        .take_while(|l| l.starts_with("        ") || l.is_empty())
        .flat_map(|l| [l.get(8..).unwrap_or(""), "\n"])
        .collect();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("action-graph");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = |paths: &str, args: &str, name: &str| {
        let summary = dir.join(format!("{name}.md"));
        let output = dir.join(format!("{name}.out"));
        let out = Command::new("bash")
            .args(["-eo", "pipefail", "-c", &body])
            .env("VPCLINT", env!("CARGO_BIN_EXE_vpclint"))
            .env("PATHS", paths)
            .env("FAIL_ON", "never")
            .env("ARGS", args)
            .env("SARIF_FILE", "")
            .env("GRAPH_SUMMARY", "true")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            std::fs::read_to_string(&summary).unwrap_or_default(),
            stdout,
        )
    };
    let (summary, _) = run(HUB, "--region eu-west-1", "findings");
    assert!(
        summary
            .starts_with("### vpclint graph\n\nFocus: findings only\n\n```mermaid\nflowchart LR\n"),
        "{summary}"
    );
    assert!(summary.contains("aws_instance.legacy") && summary.contains("| VPC001 |"));
    assert!(summary.len() <= graph::markdown::DEFAULT_MAX_BYTES);
    let (summary, _) = run("fixtures/DNS001/pass/tf-own-endpoint", "", "clean");
    assert_eq!(summary, "");
    let (summary, stdout) = run(HUB, "--explain-unknown", "check-only-flag");
    assert_eq!(summary, "");
    assert!(
        stdout.contains("::notice title=vpclint::no diagram"),
        "{stdout}"
    );
}

/// Resources vpclint could not check are drawn dashed, with the reason on hover.
#[test]
fn unchecked_resources_are_dashed_with_their_reason() {
    let view = full("tests/data/emit/mixed");
    let (n, web) = node(&view, "aws_instance.web");
    assert_eq!(web.unchecked.len(), 1);
    assert!(web.unchecked[0].starts_with("instance type unknown: var.instance_type"));
    let id = View::node_id(n);
    let mermaid = graph::render(&view, Format::Mermaid);
    assert!(
        mermaid.contains(&format!("  class {id} unchecked\n")),
        "{mermaid}"
    );
    let dot = graph::render(&view, Format::Dot);
    let line = dot
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{id} [")))
        .unwrap();
    assert!(
        line.contains("dashed") && line.contains("tooltip=\"instance type unknown"),
        "{line}"
    );
    let html = graph::render(&view, Format::Html);
    let start = html.find(&format!("id=\"{id}\"")).unwrap();
    let element = &html[html[..start].rfind("<g ").unwrap()..start + 400];
    assert!(element.contains(" unchecked\""), "{element}");
    assert!(
        element.contains("not checked: instance type unknown"),
        "{element}"
    );
}

#[test]
fn a_filtered_zone_list_is_not_taken_for_the_regions_zones() {
    // `data "aws_availability_zones"` without a filter has at least the region's zones (a
    // symbolic zone each); a filter, written or made by a dynamic block, may leave fewer.
    let filters = [
        ("none", ""),
        (
            "written",
            "filter {\n    name   = \"zone-name\"\n    values = var.azs\n  }",
        ),
        (
            "dynamic",
            "dynamic \"filter\" {\n    for_each = [1]\n    content {\n      name   = \"zone-name\"\n      values = var.azs\n    }\n  }",
        ),
    ];
    for (case, filter) in filters {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("zones-filter-{case}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let text = format!(
            r#"provider "aws" {{
  region = "ap-northeast-1"
}}
variable "azs" {{
  default = ["ap-northeast-1c"]
}}
data "aws_availability_zones" "z" {{
  {filter}
}}
resource "aws_vpc" "v" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_subnet" "s" {{
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.3.0/24"
  availability_zone = data.aws_availability_zones.z.names[2]
}}
"#
        );
        std::fs::write(dir.join("main.tf"), text).unwrap();
        let view = full(dir.to_str().unwrap());
        let zone = &node(&view, "aws_subnet.s").1.details[1];
        if case == "none" {
            assert!(zone.starts_with("<az"), "{case}: {zone}");
        } else {
            assert!(zone.starts_with("? ("), "{case}: {zone}");
        }
    }
}
