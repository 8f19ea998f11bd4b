//! `workspace/executeCommand` `vpclint.showGraph`: the `vpclint graph` of the workspace, or
//! of what the resource under the cursor touches, for an editor extension to show.
//!
//! Arguments (all optional, one object): `{"format": "html" | "mermaid" | "dot" | "json" |
//! "markdown"` (default `html`), `"focus": "aws_instance.app" | "VPC001" | "FILE:LINE"`,
//! `"uri": "file:///…", "position": {"line": 11, "character": 4}` (the resource at that line
//! of that file: the focused resource), `"findingsOnly": bool}`. The result: `{"format",
//! "content", "focus", "nodes", "findings"}`.

use clap::ValueEnum as _;
use serde_json::{json, Value};

use super::state::Workspace;
use crate::graph::{self, Format, ViewOptions};

pub const COMMAND: &str = "vpclint.showGraph";

/// The command's result, or the message of the error to answer with.
pub fn show(workspace: &Workspace, arguments: &[Value]) -> Result<Value, String> {
    let args = match arguments.first() {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => return Err(format!("{COMMAND} takes one object, got {other}")),
    };
    let format = match args.get("format") {
        None => Format::Html,
        Some(Value::String(name)) => Format::from_str(name, true)
            .map_err(|_| format!("unknown format {name:?} (html, mermaid, dot, json, markdown)"))?,
        Some(other) => return Err(format!("format must be a string, got {other}")),
    };
    let mut focus = match args.get("focus") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => return Err(format!("focus must be a string, got {other}")),
    };
    if let Some(uri) = args.get("uri").and_then(Value::as_str) {
        let path = lsp_types::Url::parse(uri)
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| format!("uri is not a file: {uri}"))?;
        let line = args
            .get("position")
            .and_then(|p| p.get("line"))
            .and_then(Value::as_u64)
            .ok_or("uri needs a position with a line")?;
        focus = Some(format!("{}:{}", path.display(), line + 1));
    }
    let options = ViewOptions {
        focus: focus.clone(),
        findings_only: args.get("findingsOnly").and_then(Value::as_bool) == Some(true),
        ..ViewOptions::default()
    };
    let (report, units) = workspace.graph();
    let view = graph::view(&report, &units, &options).map_err(|e| e.0)?;
    Ok(json!({
        "format": format!("{format:?}").to_lowercase(),
        "content": graph::render(&view, format),
        "focus": focus,
        "nodes": view.nodes.len(),
        "findings": view.findings.len(),
    }))
}
