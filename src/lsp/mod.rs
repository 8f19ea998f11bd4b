//! `vpclint lsp`: the language server, over stdio. The only module that knows LSP types.
//!
//! Shaped like rust-analyzer's and taplo's: `lsp-server` does the transport and the
//! initialize/shutdown handshakes; [`serve`] is a small loop that hands each message to a
//! handler; the state is a [`state::Workspace`]; diagnostics come from the same
//! [`crate::check::check`] as `vpclint check`, rendered by the `--format lsp` emitter.
//!
//! - At start-up the workspace folders (else `rootUri`) are walked and read once with
//!   [`crate::discover::discover`].
//! - Open buffers replace the disk text of their files; a buffer of a file the walk did not
//!   return is classified as discovery would (by name, then by content for YAML and JSON;
//!   `state.rs` mirrors discovery's private classifier). Such buffers under `.git/`,
//!   `.terraform/`, `node_modules/` or outside the folders are not checked; `.gitignore` is
//!   honoured by the walk only.
//! - After each batch of messages that changed what the check sees (`didOpen` with text that
//!   differs from disk, `didChange`, `didSave` with text, `didClose` of an edited buffer),
//!   the whole workspace is checked again and every file whose diagnostics changed gets a
//!   `publishDiagnostics`, an empty one when its diagnostics disappeared.
//! - Hover on an instance type value shows its hypervisor ([`hover`]).
//! - A quick fix on each finding writes a suppression for it ([`code_action`]).
//! - `workspace/executeCommand` `vpclint.showGraph` returns `vpclint graph`'s HTML, Mermaid,
//!   DOT or JSON of the workspace or of the resource at a position ([`graph`]).
//! - `initializationOptions`: `{"accessModel": "legacy" | "c5-m5-2018-04" | "current",
//!   "region": "eu-west-1"}`, as `--access-model` and `--region` of `vpclint check`.
//!
//! Malformed messages are logged to stderr and answered with an error when they are
//! requests; they never stop the server.

mod code_action;
mod convert;
mod graph;
mod hover;
mod state;
mod transport;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum as _;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, ExecuteCommand, HoverRequest, Request as _};
use lsp_types::{
    HoverContents, HoverProviderCapability, InitializeParams, InitializeResult, MarkupContent,
    MarkupKind, MessageType, PublishDiagnosticsParams, SaveOptions, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};

use self::convert::Encoding;
use self::state::Workspace;
use crate::check::Options;
use crate::lower::LowerOptions;
use crate::rules::AccessModel;

/// Arguments of `vpclint lsp`.
#[derive(Debug, Default, clap::Args)]
pub struct LspArgs {
    /// Talk over stdin and stdout (the default and only transport; accepted because some
    /// clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Runs the server over stdin and stdout until the client says `exit`.
#[must_use]
pub fn run(args: &LspArgs) -> ExitCode {
    let LspArgs { stdio: _ } = args;
    let (connection, io_threads) =
        transport::connect(std::io::BufReader::new(std::io::stdin()), std::io::stdout());
    let result = serve(&connection);
    // The writer thread ends when the last sender is gone.
    drop(connection);
    let joined = io_threads.join();
    match (result, joined) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) => {
            eprintln!("vpclint lsp: {e}");
            ExitCode::FAILURE
        }
        (Ok(()), Err(e)) => {
            eprintln!("vpclint lsp: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The handshake, the first scan, then the main loop.
fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => {
            let message = format!("invalid initialize parameters: {e}");
            send(
                connection,
                Response::new_err(id, ErrorCode::InvalidParams as i32, message.clone()),
            )?;
            return Err(message);
        }
    };
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = convert::negotiate(offered);
    let roots = workspace_roots(&params);
    let (options, exclude, warnings, baseline) =
        session_options(params.initialization_options.as_ref(), &roots);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "vpclint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    for warning in warnings {
        eprintln!("vpclint lsp: {warning}");
        notify::<ShowMessage>(
            connection,
            ShowMessageParams {
                typ: MessageType::WARNING,
                message: format!("vpclint: {warning}"),
            },
        )?;
    }
    if watches_files(&params) {
        send(connection, watch_request())?;
    }
    let docs_url = crate::rules::docs::DOCS_URL.to_owned();
    let mut server = Server {
        connection,
        workspace: Workspace::new(roots, options, exclude, encoding, docs_url),
    };
    if let Some(path) = baseline {
        server.workspace.set_baseline(path);
    }
    server.workspace.scan();
    server.main_loop()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        execute_command_provider: Some(lsp_types::ExecuteCommandOptions {
            commands: vec![graph::COMMAND.to_owned()],
            ..lsp_types::ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Whether the client lets the server register file watchers (`workspace/
/// didChangeWatchedFiles` with dynamic registration).
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        == Some(true)
}

/// The glob of the files discovery may read (by name; YAML and JSON are classified by
/// content once read).
const WATCHED: &str = "**/*.{tf,tf.json,tfvars,tfvars.json,yaml,yml,json,template}";

/// `client/registerCapability` for changes on disk of the files vpclint reads.
fn watch_request() -> Request {
    let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(WATCHED.to_owned()),
            kind: None,
        }],
    };
    let params = lsp_types::RegistrationParams {
        registrations: vec![lsp_types::Registration {
            id: "vpclint-watched-files".to_owned(),
            method: DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: serde_json::to_value(options).ok(),
        }],
    };
    Request::new(
        RequestId::from("vpclint-register-watchers".to_owned()),
        lsp_types::request::RegisterCapability::METHOD.to_owned(),
        params,
    )
}

/// The workspace folders, else the root URI, as paths (non-file URIs are skipped).
// `rootUri` is deprecated in favour of the folders, and is the fallback for clients without them.
#[allow(deprecated)]
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let uris: Vec<&Url> = match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders.iter().map(|f| &f.uri).collect(),
        _ => params.root_uri.iter().collect(),
    };
    let mut roots: Vec<PathBuf> = uris
        .into_iter()
        .filter_map(|uri| {
            let path = uri.to_file_path().ok();
            if path.is_none() {
                eprintln!("vpclint lsp: skipping a workspace folder that is not a file: {uri}");
            }
            path
        })
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// The check options of the session from `initializationOptions` and the workspace folders,
/// what was wrong with the options (unknown keys and bad values are reported and otherwise
/// ignored), and the baseline file of the configuration.
fn session_options(
    init: Option<&serde_json::Value>,
    roots: &[PathBuf],
) -> (
    Options,
    crate::config::Exclude,
    Vec<String>,
    Option<PathBuf>,
) {
    let mut explicit_model = None;
    let mut region = None;
    let mut warnings = Vec::new();
    match init {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("accessModel", serde_json::Value::String(name)) => {
                        match AccessModel::from_str(name, false) {
                            Ok(model) => explicit_model = Some(model),
                            Err(_) => warnings.push(format!(
                                "unknown accessModel {name:?} (expected legacy, c5-m5-2018-04 or current); ignored"
                            )),
                        }
                    }
                    ("region", serde_json::Value::String(name)) => region = Some(name.clone()),
                    ("accessModel" | "region", other) => {
                        warnings.push(format!("initialization option {key} must be a string, got {other}"));
                    }
                    _ => warnings.push(format!("unknown initialization option {key:?}")),
                }
            }
        }
        Some(other) => warnings.push(format!(
            "initializationOptions must be an object, got {other}"
        )),
    }
    // `.vpclint.toml` of the first workspace folder, as `vpclint check` finds it; the
    // initialization options win over it, as flags do.
    let config = roots.first().map(|root| crate::discover::config_for(root));
    let config = match config {
        Some(Ok(Some(config))) => Some(config),
        Some(Err(e)) => {
            warnings.push(format!("{e}; the configuration file is ignored"));
            None
        }
        _ => None,
    };
    let exclude = config
        .as_ref()
        .map(|c| c.exclude.clone())
        .unwrap_or_default();
    let baseline = config.as_ref().and_then(|c| c.baseline.clone());
    let mut lower = LowerOptions::default();
    lower.set_roots(roots.to_vec());
    lower.default_region(region);
    let options = Options::resolve(
        config.as_ref(),
        crate::check::Overrides {
            access_model: explicit_model,
            lower,
            ..crate::check::Overrides::default()
        },
    );
    (options, exclude, warnings, baseline)
}

struct Server<'a> {
    connection: &'a Connection,
    workspace: Workspace,
}

/// Whether the loop goes on.
enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            if self.workspace.is_dirty() {
                self.publish()?;
            }
            let Ok(message) = self.connection.receiver.recv() else {
                return Err("the client closed the connection without exit".to_owned());
            };
            if let Flow::Exit = self.handle(message)? {
                return Ok(());
            }
            // Take every message already waiting before checking again: a burst of
            // keystrokes is one check.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if let Flow::Exit = self.handle(message)? {
                    return Ok(());
                }
            }
        }
    }

    fn handle(&mut self, message: Message) -> Result<Flow, String> {
        match message {
            Message::Request(request) => {
                if self
                    .connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(Flow::Exit);
                }
                // A command that draws the workspace sees the edits of this batch.
                if request.method == ExecuteCommand::METHOD && self.workspace.is_dirty() {
                    self.publish()?;
                }
                let response = self.on_request(request);
                send(self.connection, response)?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Err("exit without shutdown".to_owned());
                }
                self.on_notification(notification);
            }
            // The one request the server sends registers the file watchers; a client that
            // refuses it just sends no changes.
            Message::Response(response) => {
                if let Some(error) = response.error {
                    eprintln!(
                        "vpclint lsp: the client refused to watch files: {}",
                        error.message
                    );
                }
            }
        }
        Ok(Flow::Continue)
    }

    fn on_request(&self, request: Request) -> Response {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => match parse::<lsp_types::HoverParams>(&id, request) {
                Ok(params) => Response::new_ok(id, self.hover(&params)),
                Err(response) => response,
            },
            CodeActionRequest::METHOD => match parse::<lsp_types::CodeActionParams>(&id, request) {
                Ok(params) => Response::new_ok(id, code_action::actions(&self.workspace, &params)),
                Err(response) => response,
            },
            ExecuteCommand::METHOD => {
                match parse::<lsp_types::ExecuteCommandParams>(&id, request) {
                    Ok(params) if params.command == graph::COMMAND => {
                        match graph::show(&self.workspace, &params.arguments) {
                            Ok(result) => Response::new_ok(id, result),
                            Err(message) => {
                                Response::new_err(id, ErrorCode::InvalidParams as i32, message)
                            }
                        }
                    }
                    Ok(params) => Response::new_err(
                        id,
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command {}", params.command),
                    ),
                    Err(response) => response,
                }
            }
            method => {
                eprintln!("vpclint lsp: unsupported request {method}");
                Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {method}"),
                )
            }
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let result = match method.as_str() {
            DidOpenTextDocument::METHOD => notification
                .extract::<lsp_types::DidOpenTextDocumentParams>(&method)
                .map(|p| {
                    let doc = p.text_document;
                    if let Some(path) = file_path(&doc.uri) {
                        self.workspace.open(&path, doc.uri, doc.version, doc.text);
                    }
                }),
            DidChangeTextDocument::METHOD => notification
                .extract::<lsp_types::DidChangeTextDocumentParams>(&method)
                .map(|p| {
                    let Some(path) = file_path(&p.text_document.uri) else {
                        return;
                    };
                    let encoding = self.workspace.encoding;
                    self.workspace
                        .change(&path, p.text_document.version, |text| {
                            for change in p.content_changes {
                                apply_change(text, change, encoding);
                            }
                        });
                }),
            DidSaveTextDocument::METHOD => notification
                .extract::<lsp_types::DidSaveTextDocumentParams>(&method)
                .map(|p| {
                    if let Some(path) = file_path(&p.text_document.uri) {
                        self.workspace.save(&path, p.text);
                    }
                }),
            DidCloseTextDocument::METHOD => notification
                .extract::<lsp_types::DidCloseTextDocumentParams>(&method)
                .map(|p| {
                    if let Some(path) = file_path(&p.text_document.uri) {
                        self.workspace.close(&path);
                    }
                }),
            DidChangeWatchedFiles::METHOD => notification
                .extract::<lsp_types::DidChangeWatchedFilesParams>(&method)
                .map(|p| {
                    for change in p.changes {
                        if let Some(path) = file_path(&change.uri) {
                            let deleted = change.typ == lsp_types::FileChangeType::DELETED;
                            self.workspace.disk_changed(&path, deleted);
                        }
                    }
                }),
            _ => return,
        };
        if let Err(e) = result {
            eprintln!("vpclint lsp: ignoring a malformed {method}: {e}");
        }
    }

    fn hover(&self, params: &lsp_types::HoverParams) -> Option<lsp_types::Hover> {
        let at = &params.text_document_position_params;
        let path = file_path(&at.text_document.uri)?;
        // Only what the check sees (open buffers, the workspace's files): never a path
        // the client names that the workspace did not read (`/dev/zero`).
        let (_, text) = self.workspace.file(&path)?;
        let file = crate::source::SourceFile::new(path, text);
        let encoding = self.workspace.encoding;
        let offset = convert::offset(&file, at.position, encoding);
        let (range, markdown) = hover::instance_type(&file.text, offset)?;
        Some(lsp_types::Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::range(&file, range, encoding)),
        })
    }

    /// Checks the workspace and publishes what changed.
    fn publish(&mut self) -> Result<(), String> {
        for p in self.workspace.check() {
            notify::<PublishDiagnostics>(
                self.connection,
                PublishDiagnosticsParams {
                    uri: p.uri,
                    diagnostics: p.diagnostics,
                    version: p.version,
                },
            )?;
        }
        Ok(())
    }
}

/// Applies one `contentChanges` entry: a whole new text (what the server asks for), or a
/// range edit (tolerated).
fn apply_change(
    text: &mut String,
    change: lsp_types::TextDocumentContentChangeEvent,
    encoding: Encoding,
) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let file = crate::source::SourceFile::new(PathBuf::new(), std::mem::take(text));
            let start = convert::offset(&file, range.start, encoding);
            let end = convert::offset(&file, range.end, encoding).max(start);
            *text = file.text;
            text.replace_range(start..end, &change.text);
        }
    }
}

fn file_path(uri: &Url) -> Option<PathBuf> {
    let path = uri.to_file_path().ok();
    if path.is_none() {
        eprintln!("vpclint lsp: ignoring a document that is not a file: {uri}");
    }
    path
}

/// A request's parameters, or the error response to send instead.
fn parse<P: serde::de::DeserializeOwned>(id: &RequestId, request: Request) -> Result<P, Response> {
    serde_json::from_value(request.params).map_err(|e| {
        eprintln!("vpclint lsp: malformed {} request: {e}", request.method);
        Response::new_err(
            id.clone(),
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters: {e}"),
        )
    })
}

fn send(connection: &Connection, message: impl Into<Message>) -> Result<(), String> {
    connection
        .sender
        .send(message.into())
        .map_err(|_| "the client connection is closed".to_owned())
}

fn notify<N: lsp_types::notification::Notification>(
    connection: &Connection,
    params: N::Params,
) -> Result<(), String> {
    send(connection, Notification::new(N::METHOD.to_owned(), params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

    #[test]
    fn range_changes_are_applied_in_the_negotiated_encoding() {
        let mut text = "a = \"é😀\"\nb = 1\n".to_owned();
        // Replace the emoji (UTF-16 characters 6..8 of line 0).
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 6), Position::new(0, 8))),
            range_length: None,
            text: "x".to_owned(),
        };
        apply_change(&mut text, change, Encoding::Utf16);
        assert_eq!(text, "a = \"éx\"\nb = 1\n");
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "c = 2\n".to_owned(),
        };
        apply_change(&mut text, whole, Encoding::Utf8);
        assert_eq!(text, "c = 2\n");
    }

    #[test]
    fn initialization_options_are_read_leniently() {
        let (options, _, warnings, _) = session_options(
            Some(&serde_json::json!({
                "accessModel": "current", "region": "eu-west-1", "colour": true
            })),
            &[],
        );
        assert_eq!(options.settings.access_model, AccessModel::Current);
        assert_eq!(options.lower.region(), Some("eu-west-1"));
        assert_eq!(warnings, ["unknown initialization option \"colour\""]);
        let (options, _, warnings, _) =
            session_options(Some(&serde_json::json!({"accessModel": "newest"})), &[]);
        assert_eq!(options.settings.access_model, AccessModel::Legacy);
        assert_eq!(warnings.len(), 1);
        assert!(session_options(None, &[]).2.is_empty());
    }
}
