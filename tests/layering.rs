//! Invariants of the architecture that can be stated as absences (ARCHITECTURE.md), checked
//! on the source text:
//!
//! - **Imports go down the pipeline.** Each top-level module has a layer; it may use the
//!   crate's modules of lower layers only (its own code aside). Test modules inside a file
//!   are not counted: tests may reach anywhere.
//! - **No format is named outside `syntax/` and `lower/`** by the code that only moves files
//!   through the pipeline (discovery, the check, suppressions, the language server): no
//!   variant of the languages' enums, no language module.

use std::path::{Path, PathBuf};

/// The layers, from the bottom of the pipeline up. A module may import those of lower
/// layers.
const LAYERS: &[(&str, u32)] = &[
    ("source", 0),
    ("syntax", 1),
    ("model", 1),
    ("diagnostic", 2),
    ("lower", 3),
    ("reach", 4),
    ("rules", 5),
    ("config", 6),
    ("discover", 7),
    ("suppress", 7),
    ("check", 8),
    // Module sources outside the scanned paths (local modules elsewhere in the repository,
    // `--download-modules`): discovery's Terraform-only sibling, used by the front end.
    ("module_sources", 8),
    ("emit", 9),
    ("baseline", 9),
    ("graph", 10),
    ("lsp", 11),
    // The binary's front end: it runs the language server too.
    ("cli", 12),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/lower/terraform/eval/mod.rs` → `lower`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The file's code without its test module and comments: (line number, line).
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with("#[cfg(test)]"))
        })
        .collect()
}

/// Files that exist only for tests (declared under `#[cfg(test)]`).
fn test_only(path: &Path, all: &[PathBuf]) -> bool {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let parent = path.parent().unwrap();
    all.iter()
        .filter(|p| p.parent() == Some(parent) || p.parent() == parent.parent())
        .any(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.contains(&format!("#[cfg(test)]\nmod {name};"))
                || text.contains(&format!("#[cfg(test)]\npub mod {name};"))
        })
}

#[test]
fn imports_go_down_the_pipeline() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut violations = Vec::new();
    for path in &files {
        let module = module_of(path);
        let Some(own) = layer(&module) else {
            continue; // main.rs, lib.rs
        };
        if test_only(path, &files) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in code_lines(&text) {
            for (at, _) in line.match_indices("crate::") {
                let used: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                let Some(theirs) = layer(&used) else {
                    continue;
                };
                if used != module && theirs >= own {
                    violations.push(format!(
                        "{}:{n}: {module} (layer {own}) uses {used} (layer {theirs})",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(violations.is_empty(), "\n{}", violations.join("\n"));
}

#[test]
fn no_format_is_named_outside_syntax_and_lower() {
    let mut files = Vec::new();
    for dir in ["src/check", "src/lsp", "src/suppress"] {
        rust_files(Path::new(dir), &mut files);
    }
    files.extend(["src/check.rs", "src/discover.rs"].map(PathBuf::from));
    let names = [
        "FileKind::",
        "ParsedFile::",
        "Links::",
        "terraform::",
        "cloudformation::",
        "terraform_json::",
        "syntax::yaml",
        "syntax::json",
        "syntax::hcl",
    ];
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in code_lines(&text) {
            for name in names {
                if line.contains(name) {
                    found.push(format!(
                        "{}:{n}: {name} in `{}`",
                        path.display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "\n{}", found.join("\n"));
}
