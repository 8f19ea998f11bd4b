//! The VS Code extension (`editors/vscode/`): it compiles (TypeScript), its client code
//! drives the real `vpclint lsp` in Node (`src/test/server.test.ts`: the command and options
//! the extension uses, the finding, the quick fix), and `vsce` packages it into a `.vsix`
//! holding the compiled code and the language client.
//!
//! Needs Node.js and the extension's npm packages (`npm ci` in `editors/vscode`, which
//! `.ci/run` does); without them the test says why and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn note(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "vscode: {message}");
}

fn extension() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode")
}

fn node(args: &[&str], envs: &[(&str, &Path)]) -> (bool, String) {
    let mut command = Command::new("node");
    command.args(args).current_dir(extension());
    for (k, v) in envs {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_extension_compiles_drives_the_server_and_packages() {
    if Command::new("node").arg("--version").output().is_err() {
        return note("skipped: Node.js is not installed");
    }
    let dir = extension();
    if !dir.join("node_modules/vscode-languageclient").is_dir() {
        return note("skipped: the extension's npm packages are not installed (npm ci in editors/vscode; .ci/run does it)");
    }
    // The extension's metadata follows the crate's.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        package["license"],
        format!("({})", env!("CARGO_PKG_LICENSE"))
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("LICENSE")).unwrap(),
        std::fs::read_to_string("LICENSE-MIT").unwrap()
    );

    let (ok, out) = node(&["node_modules/typescript/bin/tsc", "-p", "."], &[]);
    assert!(ok, "tsc: {out}");

    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vscode-seed");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    for entry in std::fs::read_dir("examples/seed/terraform").unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), root.join(entry.file_name())).unwrap();
    }
    let (ok, out) = node(
        &["--test", "out/test/"],
        &[
            ("VPCLINT_BIN", Path::new(env!("CARGO_BIN_EXE_vpclint"))),
            ("VPCLINT_ROOT", &root),
        ],
    );
    assert!(
        ok && out.contains("# pass 2") && out.contains("# fail 0"),
        "{out}"
    );

    let vsix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vpclint.vsix");
    let _ = std::fs::remove_file(&vsix);
    let (ok, out) = node(
        &[
            "node_modules/@vscode/vsce/vsce",
            "package",
            "--out",
            vsix.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "vsce package: {out}");
    let listing = Command::new("python3")
        .args(["-m", "zipfile", "-l"])
        .arg(&vsix)
        .output();
    let Ok(listing) = listing else {
        return note("the .vsix was made; python3 is missing to list it");
    };
    let listing = String::from_utf8_lossy(&listing.stdout);
    for file in [
        "extension/package.json",
        "extension/out/extension.js",
        "extension/out/server.js",
        "extension/node_modules/vscode-languageclient/package.json",
        "extension/LICENSE.txt",
    ] {
        assert!(listing.contains(file), "the .vsix lacks {file}:\n{listing}");
    }
    for absent in [
        "extension/src/",
        "extension/out/test/",
        "node_modules/typescript/",
    ] {
        assert!(!listing.contains(absent), "the .vsix holds {absent}");
    }
    note(&format!(
        "packaged {} ({} bytes)",
        vsix.display(),
        std::fs::metadata(&vsix).unwrap().len()
    ));
}
