//! What the run says once (a [`Notice`]), from every unit's output.

use super::{Notice, MODULES_NOT_SUPPLIED};
use crate::source::{FileId, Span};

/// One notice for every module call, in every unit, whose registry, archive or git source
/// was not supplied: how many, in how many root modules, the first few, and the fix.
pub(super) fn unsupplied<'u>(
    units: impl Iterator<Item = &'u [(String, Span)]>,
    rank: &dyn Fn(FileId) -> u32,
    path: &dyn Fn(FileId) -> std::path::PathBuf,
) -> Vec<Notice> {
    let mut calls: Vec<(String, Span)> = Vec::new();
    let mut roots = 0;
    for unit in units {
        if unit.is_empty() {
            continue;
        }
        roots += 1;
        for call in unit {
            // A module several roots share is one call.
            if !calls.iter().any(|c| c.1 == call.1) {
                calls.push(call.clone());
            }
        }
    }
    if calls.is_empty() {
        return Vec::new();
    }
    calls.sort_by_key(|(address, span)| (rank(span.file), span.start, address.clone()));
    let mut names: Vec<&str> = calls.iter().take(3).map(|(a, _)| a.as_str()).collect();
    if calls.len() > 3 {
        names.push("…");
    }
    let n = calls.len();
    let message = format!(
        "{n} module call{s} ({names}) in {roots} root module{rs} use{v} registry, git or archive sources, and no copy was found (no .terraform/modules): the resources of {those} modules are not checked. Run `terraform get` in each root before vpclint (it fetches modules only: no providers, no cloud credentials), check a plan (`terraform show -json PLANFILE`), or pass --download-modules",
        s = if n == 1 { "" } else { "s" },
        names = names.join(", "),
        rs = if roots == 1 { "" } else { "s" },
        v = if n == 1 { "s" } else { "" },
        those = if n == 1 { "that" } else { "those" },
    );
    vec![Notice {
        code: MODULES_NOT_SUPPLIED,
        path: path(calls[0].1.file),
        message,
        span: Some(calls[0].1),
        sites: calls,
    }]
}
