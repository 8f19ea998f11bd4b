//! Between vpclint and the protocol: the position encoding negotiated with the client, and
//! a [`Report`] → `Diagnostic[]` per file. The conversion itself is the `--format lsp`
//! emitter's (`emit::lsp`), so `vpclint lsp` and `vpclint check --format lsp` say exactly
//! the same thing (message, help, path, codes, links, related locations).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use lsp_types::{Diagnostic, PositionEncodingKind};

use crate::check::Report;
pub use crate::emit::lsp::{offset, range, Encoding};
use crate::emit::{self, EmitOptions};
use crate::source::FileId;

/// The first encoding the client offers that vpclint supports (clients list them in order
/// of preference); UTF-16 when it offers none.
#[must_use]
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    offered
        .unwrap_or_default()
        .iter()
        .find_map(|kind| match kind.as_str() {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        })
        .unwrap_or_default()
}

/// How the protocol names an encoding.
#[must_use]
pub fn kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// Every checked file's diagnostics (rule findings and file errors), keyed by path; files
/// with nothing to show map to an empty list.
///
/// `docs_url` is the rules page each `codeDescription.href` points into. `only`, when
/// given, limits the files listed with nothing to show (the report should hold only their
/// findings: see `Report::retain_files`).
#[must_use]
pub fn diagnostics_by_file(
    report: &Report,
    encoding: Encoding,
    docs_url: &str,
    only: Option<&HashSet<FileId>>,
) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let options = EmitOptions {
        cwd: std::env::current_dir().ok(),
        docs_url: Some(docs_url.to_owned()),
        ..EmitOptions::default()
    };
    emit::lsp::diagnostics(report, &options, encoding, |id| {
        only.is_none_or(|only| only.contains(&id))
    })
    .into_iter()
    .filter_map(|(uri, diagnostics)| Some((uri.to_file_path().ok()?, diagnostics)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_takes_the_first_supported_encoding() {
        let offered = [
            PositionEncodingKind::new("utf-7"),
            PositionEncodingKind::UTF8,
            PositionEncodingKind::UTF16,
        ];
        assert_eq!(negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(negotiate(None), Encoding::Utf16);
        assert_eq!(negotiate(Some(&offered[..1])), Encoding::Utf16);
    }
}
