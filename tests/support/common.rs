//! Helpers shared by the integration tests (included with `#[path]` where used).
#![allow(dead_code)] // each test file uses some of them

use std::path::{Path, PathBuf};

/// Writes `files` (relative path, content) into a fresh directory `name` under the test
/// target's temporary directory, and returns it.
pub fn write_tree<T: AsRef<[u8]>>(name: &str, files: &[(&str, T)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, content) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

/// (rule, resource) of every finding of a `--format json` report.
pub fn rules_and_resources(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
