//! `vpclint lsp` driven over stdio: a JSON-RPC session written by hand, and a real editor
//! (headless Neovim) when one is installed. Every wait has a timeout, so a hang fails the
//! test instead of blocking CI.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/lsp_wire.rs"]
mod lsp_wire;
use lsp_wire::{read_message, write_message};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A fresh copy of `examples/seed/terraform` under the target's temp dir.
fn seed_workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed/terraform");
    for entry in std::fs::read_dir(seed).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir.canonicalize().unwrap()
}

/// `file://` URI of an absolute path (percent-encoding what a path may need).
fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A minimal LSP client over the server's stdio.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Received, not yet looked at.
    pending: VecDeque<Value>,
    next_id: i64,
    sent: BTreeMap<String, usize>,
    received: BTreeMap<String, usize>,
}

impl Client {
    fn start(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vpclint"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("vpclint starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
            sent: BTreeMap::new(),
            received: BTreeMap::new(),
        }
    }

    fn write(&mut self, message: &Value) {
        let method = message["method"].as_str().unwrap_or("response").to_owned();
        *self.sent.entry(method).or_default() += 1;
        write_message(&mut self.stdin, message).unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        message["params"] = params;
        self.write(&message);
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        self.write(&message);
        id
    }

    /// The next message matching `want` (earlier non-matching ones stay pending).
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no {what} from the server within {TIMEOUT:?}; still pending: {:#?}",
                    self.pending
                )
            });
            let method = message["method"].as_str().unwrap_or("response").to_owned();
            *self.received.entry(method).or_default() += 1;
            if want(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let response = self.wait_for(&format!("response to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        });
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next `publishDiagnostics` for the file named `name`: (version, diagnostics).
    fn diagnostics_of(&mut self, name: &str) -> (Value, Vec<Value>) {
        let suffix = format!("/{name}");
        let p = self.wait_for(&format!("diagnostics for {name}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"].as_str().unwrap().ends_with(&suffix)
        });
        let params = &p["params"];
        (
            params["version"].clone(),
            params["diagnostics"].as_array().unwrap().clone(),
        )
    }

    /// Every publish received before the server answers a request sent now (the server
    /// handles messages in order, so this is everything the last change caused), by file
    /// name.
    fn publishes_so_far(&mut self, barrier_uri: &str) -> BTreeMap<String, Vec<Value>> {
        let result = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": barrier_uri}, "position": {"line": 0, "character": 0}}),
        );
        assert_eq!(result, Value::Null);
        let mut out = BTreeMap::new();
        self.pending.retain(|m| {
            if m["method"] != "textDocument/publishDiagnostics" {
                return true;
            }
            let uri = m["params"]["uri"].as_str().unwrap();
            let name = uri.rsplit('/').next().unwrap().to_owned();
            out.insert(name, m["params"]["diagnostics"].as_array().unwrap().clone());
            false
        });
        out
    }

    fn transcript(&self) -> String {
        let counts = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(method, n)| format!("{method} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "client → server: {}\nserver → client: {}",
            counts(&self.sent),
            counts(&self.received)
        )
    }

    /// Waits for the process to end on its own.
    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn open(client: &mut Client, path: &Path, version: i32) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "terraform", "version": version, "text": text}}),
    );
    text
}

fn change(client: &mut Client, path: &Path, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]}),
    );
}

#[test]
fn session_over_stdio() {
    let dir = seed_workspace("lsp-session");
    let compute = dir.join("compute.tf");
    let network = dir.join("network.tf");
    let mut client = Client::start(&["lsp"]);

    let init = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            "workspaceFolders": [{"uri": uri(&dir), "name": "seed"}],
            "initializationOptions": {"accessModel": "legacy"}
        }),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "vpclint");
    client.notify("initialized", json!({}));

    // The workspace scan: the m4.large in compute.tf reaches the endpoint over the peering.
    let (version, initial) = client.diagnostics_of("compute.tf");
    assert_eq!(version, Value::Null, "compute.tf is not open");
    assert_eq!(rules(&initial), ["VPC001"]);
    let d = &initial[0];
    // `instance_type = "m4.large"` is line 16, columns 19–28 (1-based): 0-based, end exclusive.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 15, "character": 18}, "end": {"line": 15, "character": 28}})
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(d["source"], "vpclint");
    assert!(d["message"]
        .as_str()
        .unwrap()
        .starts_with("aws_instance.legacy (m4.large, Xen) reaches interface endpoint"));
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules.md#vpc001"));
    let related: Vec<&str> = d["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert!(
        related.iter().any(|u| u.ends_with("/endpoint.tf")),
        "{related:?}"
    );
    assert!(
        related.iter().any(|u| u.ends_with("/network.tf")),
        "{related:?}"
    );
    let rest = client.publishes_so_far(&uri(&compute));
    assert!(rest.is_empty(), "only compute.tf has findings: {rest:?}");

    // Opening a file with its disk text changes nothing: no check, no publish.
    let text = open(&mut client, &compute, 1);
    assert!(client.publishes_so_far(&uri(&compute)).is_empty());

    // m4.large → m5.large: both instances are Nitro, the finding goes (an empty publish).
    let nitro = text.replace("\"m4.large\"", "\"m5.large\"");
    assert_ne!(nitro, text);
    change(&mut client, &compute, 2, &nitro);
    let (version, after) = client.diagnostics_of("compute.tf");
    assert_eq!(version, 2);
    assert_eq!(after, Vec::<Value>::new());

    // And back.
    change(&mut client, &compute, 3, &text);
    let (version, back) = client.diagnostics_of("compute.tf");
    assert_eq!(version, 3);
    assert_eq!(back, initial);

    // Hover on the instance type value (in the unsaved buffer's text).
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&compute)}, "position": {"line": 15, "character": 22}}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("**m4.large**: Xen"), "{markdown}");
    assert!(markdown.contains("Basis: known family `m4`."), "{markdown}");
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 15, "character": 19}, "end": {"line": 15, "character": 27}})
    );
    let nitro_hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&compute)}, "position": {"line": 5, "character": 21}}),
    );
    assert!(nitro_hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**m5.large**: Nitro"));
    let on_ami = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&compute)}, "position": {"line": 4, "character": 24}}),
    );
    assert_eq!(on_ami, Value::Null);

    // An edit in another file changes compute.tf's findings: without VPC B's route to the
    // peering there is no path to the endpoint.
    let network_text = open(&mut client, &network, 1);
    let route = "resource \"aws_route\" \"b_to_a\" {";
    let start = network_text.find(route).unwrap();
    let end = start + network_text[start..].find("\n}\n").unwrap() + 3;
    let without_route = format!("{}{}", &network_text[..start], &network_text[end..]);
    change(&mut client, &network, 2, &without_route);
    let (version, compute_now) = client.diagnostics_of("compute.tf");
    assert_eq!(version, 3, "published with the open buffer's version");
    assert_eq!(compute_now, Vec::<Value>::new());

    // A parse error is a diagnostic of its file.
    let broken = format!("{without_route}\nresource \"aws_vpc\" \"c\" {{\n  cidr_block = \n");
    change(&mut client, &network, 3, &broken);
    let (_, network_now) = client.diagnostics_of("network.tf");
    assert!(
        rules(&network_now).contains(&"parse-error"),
        "{network_now:?}"
    );
    assert!(network_now.iter().all(|d| d["source"] == "vpclint"));

    // Closing the edited buffer goes back to the disk text: the route and the finding are
    // back, the parse error is cleared.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&network)}}),
    );
    let (_, compute_closed) = client.diagnostics_of("compute.tf");
    assert_eq!(compute_closed, initial);
    let (_, network_closed) = client.diagnostics_of("network.tf");
    assert_eq!(network_closed, Vec::<Value>::new());

    // Malformed input is answered or logged, never fatal.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": 7}}),
    );
    let id = client.send_request("textDocument/hover", json!({"nonsense": true}));
    let error = client.wait_for("an error response", |m| m["id"] == id);
    assert_eq!(error["error"]["code"], -32602, "{error}");

    let result = client.request("shutdown", Value::Null);
    assert_eq!(result, Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
    assert!(
        client.pending.is_empty(),
        "unexpected messages: {:#?}",
        client.pending
    );

    println!("LSP session transcript summary:\n{}", client.transcript());
}

#[test]
fn files_changed_on_disk_behind_the_editor() {
    let dir = seed_workspace("lsp-watched");
    let compute = dir.join("compute.tf");
    let extra = dir.join("extra.tf");
    let mut client = Client::start(&["lsp"]);
    client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&dir),
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        }),
    );
    client.notify("initialized", json!({}));
    // The server asks to watch the files it reads.
    let register = client.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert!(
        registration["registerOptions"]["watchers"][0]["globPattern"]
            .as_str()
            .unwrap()
            .contains("tf")
    );
    client.write(&json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    let (_, initial) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&initial), ["VPC001"]);

    let changed = |client: &mut Client, path: &Path, typ: u8| {
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(path), "type": typ}]}),
        );
    };
    // A checkout replaces the m4.large: the finding goes.
    let text = std::fs::read_to_string(&compute).unwrap();
    std::fs::write(&compute, text.replace("m4.large", "m5.large")).unwrap();
    changed(&mut client, &compute, 2);
    let (_, after) = client.diagnostics_of("compute.tf");
    assert!(after.is_empty(), "{after:?}");
    // A new file with a typo, then gone.
    let typo = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m5.lareg\"\n}\n";
    std::fs::write(&extra, typo).unwrap();
    changed(&mut client, &extra, 1);
    let (_, found) = client.diagnostics_of("extra.tf");
    assert_eq!(rules(&found), ["EC2001"]);
    std::fs::remove_file(&extra).unwrap();
    changed(&mut client, &extra, 3);
    let (_, gone) = client.diagnostics_of("extra.tf");
    assert!(gone.is_empty(), "{gone:?}");

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

/// `vpclint.showGraph`: the diagram of the workspace, or of the resource at the cursor, as
/// the edits left it.
#[test]
fn show_graph_command() {
    let dir = seed_workspace("lsp-graph");
    let compute = dir.join("compute.tf");
    let mut client = Client::start(&["lsp"]);
    let init = client.request(
        "initialize",
        json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(&dir), "name": "seed"}]}),
    );
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["vpclint.showGraph"])
    );
    client.notify("initialized", json!({}));
    let (_, diagnostics) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&diagnostics), ["VPC001"]);
    let show = |client: &mut Client, arguments: Value| {
        client.request(
            "workspace/executeCommand",
            json!({"command": "vpclint.showGraph", "arguments": [arguments]}),
        )
    };
    let html = show(&mut client, json!({}));
    assert_eq!(html["format"], "html");
    assert!(html["content"]
        .as_str()
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let whole = show(&mut client, json!({"format": "mermaid"}));
    let text = whole["content"].as_str().unwrap();
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    assert!(
        text.contains("aws_vpc_dhcp_options.b") && text.contains("⚠ VPC001"),
        "{text}"
    );
    assert_eq!(whole["findings"], 1);
    // The cursor on `instance_type` of aws_instance.legacy (line 16): its path, one hop.
    let focused = show(
        &mut client,
        json!({"format": "mermaid", "uri": uri(&compute), "position": {"line": 15, "character": 20}}),
    );
    let text = focused["content"].as_str().unwrap();
    assert!(text.contains("aws_instance.legacy") && text.contains("aws_vpc_endpoint.kinesis"));
    assert!(!text.contains("aws_vpc_dhcp_options.b"), "{text}");
    assert!(focused["nodes"].as_u64() < whole["nodes"].as_u64());
    // An edit in the same batch is drawn: the m5.large reaches nothing the rule flags.
    open(&mut client, &compute, 1);
    let fixed = std::fs::read_to_string(&compute)
        .unwrap()
        .replace("m4.large", "m5.large");
    change(&mut client, &compute, 2, &fixed);
    let after = show(&mut client, json!({"format": "json"}));
    let graph: Value = serde_json::from_str(after["content"].as_str().unwrap()).unwrap();
    assert_eq!(graph["version"], 1);
    assert_eq!(graph["findings"], json!([]));
    // Bad arguments are an error answer, and the server goes on.
    let id = client.send_request(
        "workspace/executeCommand",
        json!({"command": "vpclint.showGraph", "arguments": [{"focus": "aws_instance.nope"}]}),
    );
    let error = client.wait_for("an error", |m| m["id"] == id && m.get("method").is_none());
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("aws_instance.nope"),
        "{error}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = seed_workspace("lsp-utf8");
    let compute = dir.join("compute.tf");
    // A non-ASCII comment before the value on its line: 'é' is 2 UTF-8 bytes, 1 UTF-16 unit.
    let text = std::fs::read_to_string(&compute).unwrap().replace(
        "  instance_type = \"m4.large\"",
        "  instance_type = /* é */ \"m4.large\"",
    );
    std::fs::write(&compute, text).unwrap();
    let mut client = Client::start(&["lsp", "--stdio"]);
    let init = client.request(
        "initialize",
        json!({
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
            "rootUri": uri(&dir),
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    client.notify("initialized", json!({}));
    let (_, diagnostics) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&diagnostics), ["VPC001"]);
    // `  instance_type = /* é */ ` is 27 bytes.
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 15, "character": 27}, "end": {"line": 15, "character": 37}})
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

/// The same session from a real editor: Neovim's built-in client, headless.
#[test]
fn neovim_headless() {
    let Some(nvim) = which("nvim") else {
        println!("skipped: nvim is not installed (Debian: apt-get install neovim)");
        return;
    };
    let dir = seed_workspace("lsp-neovim");
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-neovim-home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let script = home.join("session.lua");
    std::fs::write(&script, NEOVIM_SCRIPT).unwrap();
    let out = home.join("result.json");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("VPCLINT_BIN", env!("CARGO_BIN_EXE_vpclint"))
        .env("VPCLINT_ROOT", &dir)
        .env("VPCLINT_OUT", &out)
        // Neovim's LSP log and state go to the temp dir, not the user's home.
        .env("XDG_CACHE_HOME", &home)
        .env("XDG_STATE_HOME", &home)
        .env("XDG_DATA_HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(&out)
            .unwrap_or_else(|e| panic!("no result from nvim ({status}): {e}")),
    )
    .unwrap();
    assert!(status.success() && result["ok"] == true, "nvim: {result}");
    assert_eq!(result["initial"], json!(["VPC001"]), "{result}");
    assert!(
        result["hover"].as_str().unwrap().contains("Xen"),
        "{result}"
    );
    assert_eq!(result["after_edit"], json!([]), "{result}");
    assert_eq!(result["stopped"], true, "{result}");
    println!("nvim session: {result}");
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Opens compute.tf, starts vpclint on the workspace, waits for VPC001, hovers on the
/// m4.large, edits it to m5.large and waits for the diagnostics to clear. Works with
/// Neovim 0.7 (Debian 12) and later.
const NEOVIM_SCRIPT: &str = r"
local results = {}
local function finish(ok, message)
  results.ok = ok
  results.message = message
  local f = assert(io.open(os.getenv('VPCLINT_OUT'), 'w'))
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd(ok and 'qall!' or 'cquit!')
end
local ok, err = pcall(function()
  local root = os.getenv('VPCLINT_ROOT')
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/compute.tf'))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'vpclint',
    cmd = { os.getenv('VPCLINT_BIN'), 'lsp' },
    root_dir = root,
  })
  assert(client_id, 'the language client did not start')
  vim.lsp.buf_attach_client(buf, client_id)
  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, d.code)
    end
    return out
  end
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20),
    'no diagnostics for compute.tf')
  results.initial = codes()
  local line = 15
  local text = vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1]
  local col = text:find('m4.large', 1, true)
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }, 10000)
  local hover = responses and responses[client_id] and responses[client_id].result
  results.hover = hover and hover.contents.value or ''
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { (text:gsub('m4%.large', 'm5.large')) })
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 20),
    'the diagnostics did not clear after the edit')
  results.after_edit = codes()
  vim.lsp.stop_client(client_id)
  results.stopped = vim.wait(10000, function() return vim.lsp.client_is_stopped(client_id) end, 20)
end)
finish(ok, ok and '' or tostring(err))
";

/// The baseline of `.vpclint.toml` applies in the editor: a baselined finding is not shown,
/// a new one is, and a rewritten baseline file (reported by the watcher) is read again.
#[test]
fn the_configurations_baseline_hides_known_findings() {
    let dir = seed_workspace("lsp-baseline");
    let compute = dir.join("compute.tf");
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--write-baseline", "vpclint-baseline.json", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(
        dir.join(".vpclint.toml"),
        "baseline = \"vpclint-baseline.json\"\n",
    )
    .unwrap();
    let mut client = Client::start(&["lsp"]);
    client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&dir),
            "capabilities": {},
        }),
    );
    client.notify("initialized", json!({}));
    let first = client.publishes_so_far(&uri(&compute));
    assert!(
        first.get("compute.tf").is_none_or(Vec::is_empty),
        "the baselined finding is shown: {first:?}"
    );
    // A change of what the finding says makes it new.
    let text = open(&mut client, &compute, 1);
    change(
        &mut client,
        &compute,
        2,
        &text.replace("m4.large", "m4.xlarge"),
    );
    let (_, new) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&new), ["VPC001"]);
    assert!(new[0]["message"].as_str().unwrap().contains("m4.xlarge"));
    change(&mut client, &compute, 3, &text);
    let (_, back) = client.diagnostics_of("compute.tf");
    assert!(back.is_empty(), "{back:?}");
    // An emptied baseline, reported by the watcher: the finding shows.
    std::fs::write(
        dir.join("vpclint-baseline.json"),
        "{\"version\": 1, \"findings\": []}\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.join("vpclint-baseline.json")), "type": 2}]}),
    );
    let (_, shown) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&shown), ["VPC001"]);
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

/// Applies LSP text edits (UTF-16 positions, one line's worth of ASCII here) to a text.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = usize::try_from(p["line"].as_u64().unwrap()).unwrap();
        let character = usize::try_from(p["character"].as_u64().unwrap()).unwrap();
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut out = text.to_owned();
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    for e in sorted {
        let (a, b) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    out
}

/// The quick fix on a finding writes a suppression above its resource; until the reason
/// is written, SUP001 says so; with it, the file is clean.
#[test]
fn a_quick_fix_suppresses_the_finding_and_asks_for_a_reason() {
    let dir = seed_workspace("lsp-code-action");
    let compute = dir.join("compute.tf");
    let mut client = Client::start(&["lsp"]);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    client.notify("initialized", json!({}));
    let (_, initial) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&initial), ["VPC001"]);
    let text = open(&mut client, &compute, 1);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&compute)},
            "range": initial[0]["range"],
            "context": {"diagnostics": initial},
        }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert!(
        action["title"]
            .as_str()
            .unwrap()
            .starts_with("Suppress VPC001 here"),
        "{action}"
    );
    let edits = action["edit"]["changes"][uri(&compute)].as_array().unwrap();
    let suppressed = apply_edits(&text, edits);
    assert!(
        suppressed.contains("# vpclint:ignore[VPC001] \nresource \"aws_instance\" \"legacy\""),
        "{suppressed}"
    );
    change(&mut client, &compute, 2, &suppressed);
    let (_, after) = client.diagnostics_of("compute.tf");
    assert_eq!(rules(&after), ["SUP001"], "the reason is still to write");
    let with_reason = suppressed.replace(
        "# vpclint:ignore[VPC001] \n",
        "# vpclint:ignore[VPC001] replaced by m5 in Q3\n",
    );
    change(&mut client, &compute, 3, &with_reason);
    let (_, clean) = client.diagnostics_of("compute.tf");
    assert!(clean.is_empty(), "{clean:?}");
    // A diagnostic of another tool, or a file error, gets no action.
    let foreign = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&compute)},
            "range": initial[0]["range"],
            "context": {"diagnostics": [{"range": initial[0]["range"], "message": "x", "source": "tflint", "code": "VPC001"}]},
        }),
    );
    assert_eq!(foreign, json!([]));
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

/// Issue 19 item 7: what a client sends wrong is answered with a JSON-RPC error and never
/// stops the server; hover reads only what the workspace read.
#[test]
fn malformed_messages_are_answered_and_the_server_goes_on() {
    use std::io::Write as _;
    let mut client = Client::start(&["lsp"]);
    for body in [
        &b"{not json"[..],
        b"[1, 2]",
        b"{\"jsonrpc\": \"2.0\", \"id\": 41}",
        b"\xff\xfe",
    ] {
        write!(client.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        client.stdin.write_all(body).unwrap();
    }
    client.stdin.flush().unwrap();
    let invalid = client.wait_for("an error for the message without a method", |m| {
        m["id"] == 41
    });
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    let result = client.request(
        "initialize",
        json!({"capabilities": {}, "rootUri": null, "workspaceFolders": null}),
    );
    assert!(result["capabilities"].is_object(), "{result}");
    client.notify("initialized", json!({}));
    // A path the workspace never read: no hover, and an answer at once.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///dev/zero"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.is_null(), "{hover}");
    client.request("shutdown", json!(null));
    client.notify("exit", json!(null));
}
