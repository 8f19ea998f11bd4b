//! Editor latency: `vpclint lsp` on a generated tree, a one-file edit, and the time until
//! the server publishes that file's new diagnostics.
//!
//! The client starts the server with the tree as its workspace folder, waits for the first
//! check (a hover request answered after it), opens one file of the middle environment, and
//! then sends `didChange` edits that alternately put an unknown instance type into the file
//! (EC2001 appears) and take it out again (it disappears): each edit must change what is
//! published for the file, so each is one measured round trip, from writing the
//! notification to reading the `publishDiagnostics` with the edit's version.
//!
//! Two kinds of edit: `value` changes an instance type only (the file's units run again);
//! `link` also changes what the split into units reads (Terraform: a new module call;
//! CloudFormation: an export's name), so the units are computed again first.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "../tests/support/lsp_wire.rs"]
mod lsp_wire;
use lsp_wire::{read_message, write_message};

/// What one measurement gives.
pub struct Latency {
    /// The edited file, relative to the tree.
    pub file: PathBuf,
    /// From `initialize` to the end of the first check (every file published).
    pub first_check: Duration,
    /// One per edit.
    pub edits: Vec<Duration>,
}

const TYPO: &str = "m5.lareg";

/// Which edit: see the module docs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Value,
    Link,
}

/// The file to edit in a generated tree and its edited text: the middle environment's
/// `compute.tf` (an instance type from a variable replaced by a literal) or `network.yaml`
/// (a literal instance type in a resource replaced).
fn edit_of(tree: &Path, kind: Kind) -> Result<(PathBuf, String, String), String> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    collect(tree, &mut candidates);
    candidates.retain(|p| {
        p.file_name()
            .is_some_and(|n| n == "compute.tf" || n == "network.yaml")
    });
    candidates.sort();
    let Some(file) = candidates.get(candidates.len() / 2).cloned() else {
        return Err(format!("{}: no compute.tf or network.yaml", tree.display()));
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let edited = if file.extension().is_some_and(|e| e == "tf") {
        let from = "instance_type = var.worker_instance_type";
        text.contains(from)
            .then(|| text.replacen(from, &format!("instance_type = \"{TYPO}\""), 1))
    } else {
        text.lines()
            .find(|l| {
                l.trim_start()
                    .strip_prefix("InstanceType: ")
                    .is_some_and(|v| !v.starts_with('!'))
            })
            .map(|line| {
                let indent = &line[..line.len() - line.trim_start().len()];
                text.replacen(line, &format!("{indent}InstanceType: {TYPO}"), 1)
            })
    };
    let mut edited = edited.ok_or_else(|| format!("{}: nothing to edit", file.display()))?;
    if kind == Kind::Link {
        if file.extension().is_some_and(|e| e == "tf") {
            edited
                .push_str("\nmodule \"probe\" {\n  source = \"../../../../modules/network\"\n}\n");
        } else if edited.contains("-app-vpc-id") {
            edited = edited.replacen("-app-vpc-id", "-app-vpc-id-2", 1);
        } else {
            return Err(format!("{}: no export name to edit", file.display()));
        }
    }
    Ok((file, text, edited))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Server {
    fn send(&mut self, message: &Value) -> Result<(), String> {
        write_message(&mut self.stdin, message).map_err(|e| format!("writing to the server: {e}"))
    }

    fn wait(&self, what: &str, want: impl Fn(&Value) -> bool) -> Result<Value, String> {
        loop {
            match self.messages.recv_timeout(Duration::from_secs(120)) {
                Ok(m) if want(&m) => return Ok(m),
                Ok(_) => {}
                Err(_) => return Err(format!("no {what} from the server")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the server on `tree` and measures `edits` edits of one file.
pub fn measure(vpclint: &str, tree: &Path, edits: usize, kind: Kind) -> Result<Latency, String> {
    let tree = tree
        .canonicalize()
        .map_err(|e| format!("{}: {e}", tree.display()))?;
    let (file, original, edited) = edit_of(&tree, kind)?;
    let mut child = Command::new(vpclint)
        .arg("lsp")
        .current_dir(&tree)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{vpclint}: {e}"))?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, messages) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Some(m) = read_message(&mut reader) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let mut server = Server {
        child,
        stdin,
        messages,
    };
    let uri = |p: &Path| format!("file://{}", p.display());
    let file_uri = uri(&file);
    let start = Instant::now();
    server.send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": uri(&tree), "capabilities": {},
            "workspaceFolders": [{"uri": uri(&tree), "name": "tree"}],
        }}),
    )?;
    server.wait("initialize response", |m| m["id"] == 1)?;
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
    // Answered after the first check: the server checks before it reads the next message.
    server.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": file_uri}, "position": {"line": 0, "character": 0},
        }}),
    )?;
    server.wait("hover response", |m| m["id"] == 2)?;
    let first_check = start.elapsed();
    let language = if file.extension().is_some_and(|e| e == "tf") {
        "terraform"
    } else {
        "yaml"
    };
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": file_uri, "languageId": language, "version": 1, "text": original},
    }}))?;
    let mut latencies = Vec::new();
    for i in 0..edits {
        let version = i32::try_from(i).unwrap_or(i32::MAX).saturating_add(2);
        let text = if i % 2 == 0 { &edited } else { &original };
        let sent = Instant::now();
        server.send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": file_uri, "version": version},
                "contentChanges": [{"text": text}],
            }}),
        )?;
        let published = server.wait("publishDiagnostics of the edited file", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == file_uri.as_str()
                && m["params"]["version"] == version
        })?;
        latencies.push(sent.elapsed());
        let typo = published["params"]["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "EC2001"));
        if typo != (i % 2 == 0) {
            return Err(format!("edit {i}: EC2001 expected {}", i % 2 == 0));
        }
    }
    server.send(&json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": null}))?;
    let _ = server.wait("shutdown response", |m| m["id"] == 3);
    let _ = server.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    Ok(Latency {
        file: file.strip_prefix(&tree).unwrap_or(&file).to_path_buf(),
        first_check,
        edits: latencies,
    })
}
