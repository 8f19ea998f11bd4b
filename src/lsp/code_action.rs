//! `textDocument/codeAction`: "suppress this finding", for each vpclint finding the client
//! sends in the request's context. The edit (`crate::lower::suppression_edit`) writes a
//! `# vpclint:ignore[RULE] ` comment above the resource (Terraform, CloudFormation YAML), or
//! adds `{"rule": RULE, "reason": ""}` to the resource's `Metadata.vpclint.ignore`
//! (CloudFormation JSON). The reason is the user's to write: until they do, SUP001 marks the
//! suppression, which is the prompt.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, NumberOrString, TextEdit,
    WorkspaceEdit,
};

use super::convert;
use super::state::Workspace;
use crate::lower::{suppression_edit, SuppressionStyle};
use crate::source::SourceFile;

/// The quick fixes for the request's diagnostics.
pub fn actions(workspace: &Workspace, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Ok(path) = uri.to_file_path() else {
        return Vec::new();
    };
    let Some((kind, text)) = workspace.file(&path) else {
        return Vec::new();
    };
    let file = SourceFile::new(path.clone(), text);
    let mut out = Vec::new();
    for diagnostic in &params.context.diagnostics {
        let Some(rule) = suppressible_rule(diagnostic) else {
            continue;
        };
        let offset = convert::offset(&file, diagnostic.range.start, workspace.encoding);
        let Some((style, edit)) = suppression_edit(kind, &file.text, offset, rule) else {
            continue;
        };
        if edit.insert.is_empty() {
            continue; // already suppressed there
        }
        let title = match style {
            SuppressionStyle::Comment => {
                format!("Suppress {rule} here (vpclint:ignore comment; then write the reason)")
            }
            SuppressionStyle::Metadata => {
                format!("Suppress {rule} in this resource's Metadata (then write the reason)")
            }
        };
        let edit = TextEdit {
            range: convert::range(&file, edit.range, workspace.encoding),
            new_text: edit.insert,
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }));
    }
    out
}

/// The rule of a vpclint finding that a suppression in the source can silence: not file
/// errors, baseline notes, or the suppression rules themselves.
fn suppressible_rule(d: &lsp_types::Diagnostic) -> Option<&str> {
    if d.source.as_deref() != Some("vpclint") {
        return None;
    }
    let Some(NumberOrString::String(code)) = &d.code else {
        return None;
    };
    let meta = crate::rules::meta(code)?;
    (!crate::rules::SUPPRESSION_RULES.contains(&meta.id.as_str())).then_some(meta.id.as_str())
}
