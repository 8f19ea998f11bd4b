//! `docs/rules.md` is generated from the rule files; this fails when it is stale.
//! Regenerate with `cargo run -- rules --format markdown > docs/rules.md`
//! (or `VPCLINT_UPDATE_DOCS=1 cargo test --test docs`).

use std::process::Command;

#[test]
fn docs_rules_md_is_up_to_date() {
    let expected = vpclint::rules::docs::markdown(vpclint::rules::all());
    if std::env::var_os("VPCLINT_UPDATE_DOCS").is_some() {
        std::fs::write("docs/rules.md", &expected).unwrap();
    }
    let actual = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

fn vpclint(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn rules_lists_every_rule_in_text_and_json() {
    let (code, text) = vpclint(&["rules"]);
    assert_eq!(code, 0);
    let (_, json) = vpclint(&["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    for meta in vpclint::rules::all() {
        assert!(text
            .lines()
            .any(|l| l.starts_with(&meta.id) && l.contains(&meta.name)));
        assert!(json["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == meta.id.as_str() && r["severity"] == meta.severity.as_str()));
    }
}

#[test]
fn explain_prints_the_docs_by_id_or_name() {
    let (code, text) = vpclint(&["explain", "vpc001"]);
    assert_eq!(code, 0);
    for heading in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## How to fix it",
        "## History",
        "## References",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    // The access models and the dated history are part of VPC001's doc.
    assert!(text.contains("c5-m5-2018-04") && text.contains("2019-03-07"));
    let (code, by_name) = vpclint(&["explain", "non-nitro-endpoint-over-peering"]);
    assert_eq!((code, by_name), (0, text));
    assert_eq!(vpclint(&["explain", "XYZ999"]).0, 2);
}

/// One link scheme for a rule's documentation, from `repository` in Cargo.toml: every place
/// that links to a rule (explain, rules --format json, SARIF, the LSP format) gives the
/// same address, and the address's anchor exists in `docs/rules.md`.
#[test]
fn every_rule_link_is_the_repository_docs_page_with_the_rules_anchor() {
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(
        repository.starts_with("https://github.com/"),
        "Cargo.toml names no repository"
    );
    let page = std::fs::read_to_string("docs/rules.md").unwrap();
    let (_, json) = vpclint(&["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sarif = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "sarif", "examples/seed"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let sarif_rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["informationUri"],
        repository
    );
    for (i, meta) in vpclint::rules::all().iter().enumerate() {
        let anchor = meta.id.to_ascii_lowercase();
        let url = format!("{repository}/blob/main/docs/rules.md#{anchor}");
        assert!(page.contains(&format!("<a id=\"{anchor}\"></a>")), "{url}");
        let (_, explain) = vpclint(&["explain", &meta.id]);
        assert!(
            explain.ends_with(&format!("Online: <{url}>\n")),
            "{explain}"
        );
        assert_eq!(json["rules"][i]["url"], url.as_str());
        assert_eq!(sarif_rules[i]["helpUri"], url.as_str());
    }
    let lsp = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "lsp", "examples/seed"])
        .output()
        .unwrap();
    let lsp = String::from_utf8(lsp.stdout).unwrap();
    assert!(
        lsp.contains(&format!(
            "\"href\": \"{repository}/blob/main/docs/rules.md#vpc001\""
        )),
        "{lsp}"
    );
}
