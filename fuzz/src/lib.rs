//! Structure-aware inputs for the evaluation fuzz targets: the fuzzer's bytes choose a
//! Terraform configuration (locals, variables, a child module, resources that read them,
//! with expressions built from the functions vpclint evaluates) or a CloudFormation template
//! (parameters, mappings, conditions, resources and outputs built from the intrinsic
//! functions, with a nested stack), written out as text. Raw bytes would mostly stop at the
//! parser; these reach the evaluators.
//!
//! With `VPCLINT_FUZZ_RENDER=DIR` in the environment, [`run`] writes the generated files
//! under DIR: `cargo fuzz run TARGET ARTIFACT` then gives the files of a finding, for
//! `fuzz/regressions/` (which `tests/fuzz_regressions.rs` replays).

use arbitrary::{Result, Unstructured};
use vpclint::check::{check, Options};
use vpclint::discover::Input;

pub mod cloudformation;
pub mod terraform;

/// One generated file: its path (under `fuzz/`) and text.
pub struct File {
    pub path: String,
    pub text: String,
}

/// Checks the generated files as `vpclint check` would; an internal error (a contained
/// panic) is a finding, as a panic is.
pub fn run(files: &[File]) {
    if let Some(dir) = std::env::var_os("VPCLINT_FUZZ_RENDER") {
        for f in files {
            let path = std::path::Path::new(&dir).join(&f.path);
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
            let _ = std::fs::write(&path, &f.text);
        }
    }
    let inputs = files
        .iter()
        .filter_map(|f| Input::classified(&f.path, f.text.clone()))
        .collect();
    let report = check(inputs, Vec::new(), 0, &Options::default());
    if let Some(e) = report
        .errors
        .iter()
        .find(|e| e.message.starts_with("internal error"))
    {
        panic!("{}: {}", e.path.display(), e.message);
    }
    let _ = vpclint::emit::json::render(&report);
}

/// A string from a small dictionary of values the evaluators treat specially, or a short
/// arbitrary one.
fn word(u: &mut Unstructured<'_>) -> Result<String> {
    const WORDS: &[&str] = &[
        "",
        "a",
        "10.0.0.0/16",
        "10.0.0.0/8",
        "192.168.0.0/24",
        "10.1.2.3/33",
        "fd00::/8",
        "0.0.0.0/0",
        "m5.large",
        "m4.xlarge",
        "t2.micro",
        "c5.xlarg",
        "us-east-1",
        "eu-west-1",
        "Interface",
        "Gateway",
        "com.amazonaws.us-east-1.sqs",
        "true",
        "false",
        "1",
        "-1",
        "8",
        "255",
        "%s",
        "%d",
        "%5d",
        "%-5s|",
        "%05.2f",
        "%.3s",
        "%v",
        "%q",
        "%x",
        "%%",
        "%9999999999d",
        "%.99999999f",
        "%999999s",
        ",",
        "-",
        "/",
        "${",
        "x,y,z",
        "a-b-c",
    ];
    if u.ratio(3, 4)? {
        Ok((*u.choose(WORDS)?).to_owned())
    } else {
        let len = u.int_in_range(0..=12)?;
        let mut s = String::new();
        for _ in 0..len {
            let c = u.int_in_range(0x20u8..=0x7e)?;
            s.push(char::from(c));
        }
        Ok(s)
    }
}

/// A number the evaluators treat specially, or a small arbitrary one.
fn number(u: &mut Unstructured<'_>) -> Result<String> {
    const NUMBERS: &[&str] = &[
        "0", "1", "2", "3", "4", "8", "16", "24", "32", "-1", "1024", "4096", "65536", "1e9",
        "0.5", "-0",
    ];
    if u.ratio(2, 3)? {
        Ok((*u.choose(NUMBERS)?).to_owned())
    } else {
        Ok(u.int_in_range(-300i32..=300)?.to_string())
    }
}

/// `s` as a JSON (and HCL) string literal.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
