//! Baselines: adopting vpclint on a repository that already has findings. `vpclint check
//! --write-baseline FILE` records the current findings; `--baseline FILE` (or `baseline` in
//! `.vpclint.toml`, which the language server reads too) reports only the findings that are
//! not in it, and lists the entries that no longer occur.
//!
//! A finding is identified by a **fingerprint** of its rule, its resource address and its
//! message with whitespace normalised: not by line, column or file, so that edits around a
//! finding, moving it within or between files, keep it baselined, and a change of what the
//! finding says (another instance type, another endpoint) makes it new. Entries with the
//! same fingerprint (the same logical id in two templates) are matched by count, those in
//! the same file first.
//!
//! Pure: the text of the file in, the text of the file out; reading and writing it is the
//! CLI's and the language server's job. The file is JSON:
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"fingerprint": "8f0c…", "rule": "VPC001", "resource": "aws_instance.legacy",
//!                "file": "infra/compute.tf", "message": "…"}]}
//! ```
//!
//! `file` is relative to the baseline's directory; it and `message` are there for people
//! reading the file and for the order of matching, not part of the identity.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Report;
use crate::diagnostic::{stable_hash, Diagnostic};

/// The version of the file format written.
pub const VERSION: u32 = 1;

/// A baseline file, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub resource: String,
    /// The finding's file, relative to the baseline's directory, `/`-separated.
    pub file: String,
    pub message: String,
    /// The 1-based line of the entry in the baseline's text (for pointing at stale entries);
    /// 0 for entries not read from a file.
    #[serde(skip)]
    pub line: u32,
}

/// What applying a baseline did (part of the [`Report`], rendered by every format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The baseline file, as the user named it.
    pub path: PathBuf,
    /// Findings left out because the baseline has them.
    pub matched: usize,
    /// Entries that matched no finding: fixed, or changed into a new finding.
    pub stale: Vec<Entry>,
}

/// `aws_instance.legacy (m4.large,  Xen)\n  reaches` → `aws_instance.legacy (m4.large, Xen)
/// reaches`: what a finding says, without the layout of its text.
#[must_use]
pub fn normalize_message(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The finding's identity in a baseline: its rule, its resource and its normalised message.
#[must_use]
pub fn fingerprint(d: &Diagnostic) -> String {
    let message = normalize_message(&d.message);
    format!(
        "{:016x}",
        stable_hash([d.rule, d.resource.as_str(), message.as_str()])
    )
}

/// The baseline of a report's findings. `file_key` gives a finding's file as the baseline
/// records it (relative to the baseline's directory).
#[must_use]
pub fn record(report: &Report, file_key: &dyn Fn(&Path) -> String) -> Baseline {
    let mut findings: Vec<Entry> = report
        .diagnostics
        .iter()
        .map(|d| Entry {
            fingerprint: fingerprint(d),
            rule: d.rule.to_owned(),
            resource: d.resource.clone(),
            file: file_key(&report.sources.get(d.span.file).path),
            message: d.message.clone(),
            line: 0,
        })
        .collect();
    // Sorted by file first, so that the file reads like the code and diffs stay small.
    findings.sort_by(|a, b| {
        (&a.file, &a.rule, &a.resource, &a.message, &a.fingerprint).cmp(&(
            &b.file,
            &b.rule,
            &b.resource,
            &b.message,
            &b.fingerprint,
        ))
    });
    Baseline {
        version: VERSION,
        findings,
    }
}

/// The text of a baseline file (pretty JSON, one key a line, a trailing newline).
#[must_use]
pub fn render(baseline: &Baseline) -> String {
    let mut text = serde_json::to_string_pretty(baseline).expect("a baseline serialises");
    text.push('\n');
    text
}

/// Reads a baseline file's text.
///
/// # Errors
/// What is wrong with it: not JSON, unknown keys, or a version this vpclint does not read.
pub fn parse(text: &str) -> Result<Baseline, String> {
    let mut baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if baseline.version != VERSION {
        return Err(format!(
            "version {} is not supported (this vpclint reads version {VERSION}); write it again with --write-baseline",
            baseline.version
        ));
    }
    // Each entry's line: the line of its fingerprint, searched for in order.
    let mut from = 0;
    for entry in &mut baseline.findings {
        let needle = format!("\"{}\"", entry.fingerprint);
        if let Some(at) = text[from..].find(&needle).map(|i| from + i) {
            entry.line = u32::try_from(text[..at].matches('\n').count() + 1).unwrap_or(u32::MAX);
            from = at + needle.len();
        }
    }
    Ok(baseline)
}

/// Removes the report's findings that the baseline has (each entry matches one finding) and
/// says which entries matched none. `file_key` is as for [`record`]; `path` is the baseline
/// file as the user named it.
pub fn apply(
    report: &mut Report,
    baseline: &Baseline,
    path: &Path,
    file_key: &dyn Fn(&Path) -> String,
) {
    let mut by_print: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in baseline.findings.iter().enumerate() {
        by_print.entry(e.fingerprint.as_str()).or_default().push(i);
    }
    let mut used = vec![false; baseline.findings.len()];
    let prints: Vec<String> = report.diagnostics.iter().map(fingerprint).collect();
    let files: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| file_key(&report.sources.get(d.span.file).path))
        .collect();
    let mut matched = vec![false; report.diagnostics.len()];
    // Same fingerprint in the same file first, then the same fingerprint anywhere (a
    // resource moved to another file).
    for same_file in [true, false] {
        for (d, print) in prints.iter().enumerate() {
            if matched[d] {
                continue;
            }
            let candidates = by_print.get(print.as_str()).map_or(&[][..], Vec::as_slice);
            let hit = candidates
                .iter()
                .copied()
                .find(|&e| !used[e] && (!same_file || baseline.findings[e].file == files[d]));
            if let Some(e) = hit {
                used[e] = true;
                matched[d] = true;
            }
        }
    }
    let mut keep = matched.iter().map(|m| !m);
    report.diagnostics.retain(|_| keep.next().unwrap_or(true));
    report.summary.diagnostics = report.diagnostics.len();
    let stale = baseline
        .findings
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(e, _)| e.clone())
        .collect();
    report.baseline = Some(Outcome {
        path: path.to_path_buf(),
        matched: matched.iter().filter(|m| **m).count(),
        stale,
    });
}

/// A file's key in a baseline at `dir`: the path relative to `dir` (both absolute and
/// normalised), with `..` when the file is not below it, `/`-separated.
#[must_use]
pub fn relative_key(file: &Path, dir: &Path) -> String {
    let file: Vec<_> = file.components().collect();
    let dir: Vec<_> = dir.components().collect();
    let common = file.iter().zip(&dir).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Another drive (Windows): no relative path.
        return file
            .iter()
            .collect::<PathBuf>()
            .to_string_lossy()
            .replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); dir.len() - common];
    parts.extend(
        file[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_roots() -> Report {
        let bad = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m5.lareg\"\n}\n";
        let inputs = ["a/main.tf", "b/main.tf"]
            .into_iter()
            .map(|p| crate::discover::Input::classified(p, bad).expect("Terraform"))
            .collect();
        crate::check::check(inputs, Vec::new(), 0, &crate::check::Options::default())
    }

    fn key(p: &Path) -> String {
        p.to_string_lossy().into_owned()
    }

    #[test]
    fn equal_fingerprints_match_by_count_and_the_same_file_first() {
        let report = two_roots();
        assert_eq!(report.diagnostics.len(), 2);
        let prints: Vec<String> = report.diagnostics.iter().map(fingerprint).collect();
        assert_eq!(prints[0], prints[1], "same rule, address and message");
        // A baseline of b's finding only: a's is new, b's is matched.
        let mut only_b = record(&report, &key);
        only_b.findings.retain(|e| e.file == "b/main.tf");
        let mut r = two_roots();
        apply(&mut r, &only_b, Path::new("base.json"), &key);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(
            r.sources.get(r.diagnostics[0].span.file).path,
            Path::new("a/main.tf")
        );
        let outcome = r.baseline.as_ref().unwrap();
        assert_eq!((outcome.matched, outcome.stale.len()), (1, 0));
        // An entry recorded in a file that is gone still matches one finding (moved).
        let mut moved = only_b.clone();
        moved.findings[0].file = "c/main.tf".to_owned();
        let mut r = two_roots();
        apply(&mut r, &moved, Path::new("base.json"), &key);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.summary.diagnostics, 1);
        // Three entries for two findings: one is stale.
        let mut three = record(&report, &key);
        three.findings.push(three.findings[0].clone());
        let mut r = two_roots();
        apply(&mut r, &three, Path::new("base.json"), &key);
        assert!(r.diagnostics.is_empty());
        assert_eq!(r.baseline.as_ref().unwrap().stale.len(), 1);
    }

    #[test]
    fn files_are_keyed_relative_to_the_baseline() {
        let key = |f: &str, d: &str| relative_key(Path::new(f), Path::new(d));
        assert_eq!(key("/r/infra/main.tf", "/r"), "infra/main.tf");
        assert_eq!(key("/r/infra/main.tf", "/r/ci"), "../infra/main.tf");
        assert_eq!(key("/r/a.tf", "/r/x/y"), "../../a.tf");
        assert_eq!(key("/elsewhere/a.tf", "/r"), "../elsewhere/a.tf");
    }

    #[test]
    fn messages_are_compared_without_their_layout() {
        assert_eq!(
            normalize_message("  a (m4.large,\n   Xen)  reaches b "),
            "a (m4.large, Xen) reaches b"
        );
    }

    #[test]
    fn parse_reads_what_render_writes_and_finds_each_entry_line() {
        let entry = |print: &str| Entry {
            fingerprint: print.to_owned(),
            rule: "VPC001".to_owned(),
            resource: "aws_instance.a".to_owned(),
            file: "main.tf".to_owned(),
            message: "m".to_owned(),
            line: 0,
        };
        let baseline = Baseline {
            version: VERSION,
            findings: vec![entry("00000000000000aa"), entry("00000000000000bb")],
        };
        let text = render(&baseline);
        let back = parse(&text).unwrap();
        assert_eq!(back.findings.len(), 2);
        assert_eq!(back.findings[0].line, 5);
        assert_eq!(back.findings[1].line, 12);
        assert!(parse("{\"version\": 2, \"findings\": []}")
            .unwrap_err()
            .contains("version 2"));
        assert!(parse("{\"version\": 1, \"findings\": [], \"x\": 1}").is_err());
        assert!(parse("not json").is_err());
    }
}
