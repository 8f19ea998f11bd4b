//! `cargo bench --bench scale`: vpclint at monorepo scale (issue 7).
//!
//! Generates synthetic trees (`generate.rs`) of N = 10, 100, 1000, 10000 environments in
//! Terraform and CloudFormation under `target/bench/trees/` (reused when present), then runs
//! the release `vpclint check --format json` on each, several times, and prints medians:
//! files, input size, resources, findings, wall time, resources/s, CPU/wall, peak memory,
//! and the parse-only floor (`floor.rs`: discover + parse on one thread, no CLI change).
//! Also the start-up time on one small file, and the peers (trivy, checkov, cfn-lint from
//! `PyPI` in `target/bench/venv`, see `peers.rs`) on the small trees, as ratios.
//!
//! Every run is a new process (nothing cached in memory between runs); the files are in the
//! OS page cache (one unmeasured warm-up run first), as in an editor or a pre-commit hook.
//!
//! Options, as arguments after `--` or environment variables:
//!
//! | argument | variable | default |
//! |---|---|---|
//! | `--sizes 10,100,1000,10000` | `VPCLINT_BENCH_SIZES` | all four |
//! | `--runs 5` | `VPCLINT_BENCH_RUNS` | 5 (at most 3 from N = 1000 on; 1 from 10000) |
//! | `--timeout 60` | `VPCLINT_BENCH_TIMEOUT` | 60 s a vpclint or floor run |
//! | `--flavours tf,cfn` | `VPCLINT_BENCH_FLAVOURS` | both |
//! | `--no-peers` | `VPCLINT_BENCH_PEERS=0` | peers on |
//! | `--peer-sizes 10,100` | `VPCLINT_BENCH_PEER_SIZES` | 10,100 |
//! | `--peer-runs 3` | `VPCLINT_BENCH_PEER_RUNS` | 3 |
//! | `--peer-timeout 300` | `VPCLINT_BENCH_PEER_TIMEOUT` | 300 s a run |
//! | `--startup-runs 30` | `VPCLINT_BENCH_STARTUP_RUNS` | 30 |
//! | `--seed 7` | `VPCLINT_BENCH_SEED` | 7 |
//!
//! Then the editor latency (`lsp.rs`): `vpclint lsp` on the N = 1000 trees, the time from a
//! one-file `didChange` to that file's `publishDiagnostics`.
//!
//! Subcommands: `generate tf|cfn N DIR [SEED]` writes one tree; `parse-only PATH…` is the
//! floor (what the benchmark runs as a child process); `lsp-edit TREE [EDITS] [value|link]`
//! measures the editor latency on one tree.

mod floor;
mod generate;
mod lsp;
mod measure;
mod peers;

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use measure::{median, median_u64, End, Sample};
use peers::{Flavour, Peer};

const VPCLINT: &str = env!("CARGO_BIN_EXE_vpclint");

struct Config {
    sizes: Vec<usize>,
    runs: usize,
    timeout: Duration,
    flavours: Vec<Flavour>,
    peers: bool,
    peer_sizes: Vec<usize>,
    peer_runs: usize,
    peer_timeout: Duration,
    startup_runs: usize,
    seed: u64,
}

fn list(text: &str) -> Vec<usize> {
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

impl Config {
    fn from_args(args: &[String]) -> Result<Config, String> {
        let var = |name: &str| env::var(name).ok();
        let mut opts: BTreeMap<String, String> = BTreeMap::new();
        for (name, key) in [
            ("VPCLINT_BENCH_SIZES", "sizes"),
            ("VPCLINT_BENCH_RUNS", "runs"),
            ("VPCLINT_BENCH_TIMEOUT", "timeout"),
            ("VPCLINT_BENCH_FLAVOURS", "flavours"),
            ("VPCLINT_BENCH_PEERS", "peers"),
            ("VPCLINT_BENCH_PEER_SIZES", "peer-sizes"),
            ("VPCLINT_BENCH_PEER_RUNS", "peer-runs"),
            ("VPCLINT_BENCH_PEER_TIMEOUT", "peer-timeout"),
            ("VPCLINT_BENCH_STARTUP_RUNS", "startup-runs"),
            ("VPCLINT_BENCH_SEED", "seed"),
        ] {
            if let Some(v) = var(name) {
                opts.insert(key.into(), v);
            }
        }
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let key = arg
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {arg}"))?;
            if key == "no-peers" {
                opts.insert("peers".into(), "0".into());
                continue;
            }
            if key == "peers" {
                opts.insert("peers".into(), "1".into());
                continue;
            }
            let value = it.next().ok_or_else(|| format!("--{key} needs a value"))?;
            opts.insert(key.into(), value.clone());
        }
        let get = |key: &str, default: &str| -> String {
            opts.get(key).cloned().unwrap_or_else(|| default.into())
        };
        let num = |key: &str, default: &str| -> Result<u64, String> {
            get(key, default)
                .parse()
                .map_err(|_| format!("--{key}: not a number"))
        };
        let flavours = get("flavours", "tf,cfn")
            .split(',')
            .map(|f| match f.trim() {
                "tf" | "terraform" => Ok(Flavour::Terraform),
                "cfn" | "cloudformation" => Ok(Flavour::CloudFormation),
                other => Err(format!("unknown flavour {other}")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let as_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Ok(Config {
            sizes: list(&get("sizes", "10,100,1000,10000")),
            runs: as_usize(num("runs", "5")?).max(1),
            timeout: Duration::from_secs(num("timeout", "60")?),
            flavours,
            peers: !matches!(get("peers", "1").as_str(), "0" | "false" | "no" | "off"),
            peer_sizes: list(&get("peer-sizes", "10,100")),
            peer_runs: as_usize(num("peer-runs", "3")?).max(1),
            peer_timeout: Duration::from_secs(num("peer-timeout", "300")?),
            startup_runs: as_usize(num("startup-runs", "30")?).max(1),
            seed: num("seed", "7")?,
        })
    }
}

fn main() -> ExitCode {
    // cargo passes `--bench` to a harness-less bench target.
    let args: Vec<String> = env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("parse-only") => floor::main(&args[1..]),
        Some("generate") => generate_command(&args[1..]),
        Some("summarise") => summarise_command(&args[1..]),
        Some("lsp-edit") => lsp_command(&args[1..]),
        _ => match Config::from_args(&args) {
            Ok(config) => run(&config),
            Err(e) => {
                eprintln!("scale: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Prints the summary of a `vpclint check --format json` output as one line. Run as a child
/// process so that the benchmark itself never grows: on Linux a child's `ru_maxrss` starts
/// from its parent's peak (the parent's memory is counted until `exec`), so the parent
/// must stay small for the children's figures to be theirs.
fn summarise_command(args: &[String]) -> ExitCode {
    let Some(path) = args.first() else {
        return ExitCode::from(2);
    };
    match read_summary(Path::new(path)) {
        Ok(s) => {
            let rules: Vec<String> = s.by_rule.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!(
                "{} {} {} {} {} {}",
                s.files,
                s.resources,
                s.diagnostics,
                s.errors,
                s.unchecked,
                rules.join(",")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// [`read_summary`] in a child process (see [`summarise_command`]).
fn summary_of(path: &Path) -> Summary {
    let Ok(exe) = env::current_exe() else {
        return Summary::default();
    };
    let Ok(out) = Command::new(exe).arg("summarise").arg(path).output() else {
        return Summary::default();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace();
    let mut n = || f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
    let (files, resources, diagnostics, errors, unchecked) = (n(), n(), n(), n(), n());
    let by_rule = text
        .split_whitespace()
        .nth(5)
        .unwrap_or("")
        .split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect();
    Summary {
        files,
        resources,
        diagnostics,
        errors,
        unchecked,
        by_rule,
    }
}

/// `lsp-edit TREE [EDITS] [value|link]`: the language server's latency for one-file edits in
/// a tree.
fn lsp_command(args: &[String]) -> ExitCode {
    let Some(tree) = args.first() else {
        eprintln!("usage: scale lsp-edit TREE [EDITS] [value|link]");
        return ExitCode::from(2);
    };
    let edits = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let kind = match args.get(2).map(String::as_str) {
        None | Some("value") => lsp::Kind::Value,
        Some("link") => lsp::Kind::Link,
        Some(other) => {
            eprintln!("scale: lsp-edit: unknown edit kind {other} (value or link)");
            return ExitCode::from(2);
        }
    };
    match lsp::measure(VPCLINT, Path::new(tree), edits, kind) {
        Ok(l) => {
            println!("{}", lsp_line(&l));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scale: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One line about a latency measurement.
fn lsp_line(l: &lsp::Latency) -> String {
    let mut sorted = l.edits.clone();
    sorted.sort();
    let (min, max) = (sorted.first().copied(), sorted.last().copied());
    format!(
        "one-file edit of {}: {} median of {} edits (min {}, max {}); first check of the workspace {}",
        l.file.display(),
        secs(median(&l.edits)),
        l.edits.len(),
        secs(min.unwrap_or_default()),
        secs(max.unwrap_or_default()),
        secs(l.first_check),
    )
}

fn generate_command(args: &[String]) -> ExitCode {
    let (Some(flavour), Some(n), Some(dir)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: scale generate tf|cfn N DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(7);
    let written = match flavour.as_str() {
        "tf" => generate::terraform(Path::new(dir), n, seed),
        "cfn" => generate::cloudformation(Path::new(dir), n, seed),
        _ => {
            eprintln!("usage: scale generate tf|cfn N DIR [SEED]");
            return ExitCode::from(2);
        }
    };
    match written {
        Ok(w) => {
            eprintln!("{} files, {} bytes in {dir}", w.files, w.bytes);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scale: {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench_dir() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench")
}

fn flavour_name(f: Flavour) -> &'static str {
    match f {
        Flavour::Terraform => "tf",
        Flavour::CloudFormation => "cfn",
    }
}

/// The tree for one flavour and size, generated unless a complete one is there.
fn tree(bench: &Path, flavour: Flavour, n: usize, seed: u64) -> Result<PathBuf, String> {
    let dir = bench.join("trees").join(format!(
        "{}-{n}-seed{seed}-v{}",
        flavour_name(flavour),
        generate::GENERATOR_VERSION
    ));
    if dir.join(".complete").exists() {
        return Ok(dir);
    }
    let _ = fs::remove_dir_all(&dir);
    eprintln!("generating {}", dir.display());
    let written = match flavour {
        Flavour::Terraform => generate::terraform(&dir, n, seed),
        Flavour::CloudFormation => generate::cloudformation(&dir, n, seed),
    }
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(
        dir.join(".complete"),
        format!(
            "files {}\nbytes {}\nresources {}\n",
            written.files, written.bytes, written.resources
        ),
    )
    .map_err(|e| e.to_string())?;
    Ok(dir)
}

const STARTUP_TF: &str = r#"resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.large"
  subnet_id     = "subnet-0123456789abcdef0"
}
"#;

const STARTUP_CFN: &str = r"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      InstanceType: m5.large
      SubnetId: subnet-0123456789abcdef0
";

/// What `vpclint check --format json` said about a tree.
#[derive(Default)]
struct Summary {
    files: u64,
    resources: u64,
    diagnostics: u64,
    errors: u64,
    unchecked: u64,
    by_rule: BTreeMap<String, u64>,
}

fn read_summary(path: &Path) -> Result<Summary, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let s = &v["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    let mut by_rule = BTreeMap::new();
    for d in v["diagnostics"].as_array().into_iter().flatten() {
        if let Some(rule) = d["rule"].as_str() {
            *by_rule.entry(rule.to_string()).or_insert(0) += 1;
        }
    }
    Ok(Summary {
        files: n("files"),
        resources: n("resources"),
        diagnostics: n("diagnostics"),
        errors: n("errors"),
        unchecked: n("unchecked"),
        by_rule,
    })
}

/// The resource instances the generator declared (from the tree's `.complete` marker).
fn declared_resources(dir: &Path) -> u64 {
    fs::read_to_string(dir.join(".complete"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("resources "))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Input size: the bytes of the files vpclint reads (what `discover` picks).
fn input_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else {
                let ext = path.extension().and_then(|e| e.to_str());
                if matches!(ext, Some("tf" | "tfvars" | "yaml")) {
                    total += meta.len();
                }
            }
        }
    }
    total
}

fn vpclint_command(path: &Path, out: &Path) -> Result<Command, String> {
    let stdout = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut cmd = Command::new(VPCLINT);
    // `--no-only-files`: the start-up file sits inside this repository, and a file argument
    // would otherwise widen the check to the whole repository (a diff-aware run).
    cmd.args(["check", "--format", "json", "--no-only-files"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null());
    Ok(cmd)
}

fn floor_command(path: &Path, out: &Path) -> Result<Command, String> {
    let stdout = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let exe = env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.arg("parse-only")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null());
    Ok(cmd)
}

/// Runs a command `runs` times, after one unmeasured warm-up run when `warm_up`; `ok` says
/// whether an end is a success (vpclint exits 1 on findings).
fn sample(
    make: &dyn Fn() -> Result<Command, String>,
    (runs, warm_up): (usize, bool),
    timeout: Option<Duration>,
    ok: &dyn Fn(End) -> bool,
) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::with_capacity(runs);
    let first = usize::from(!warm_up);
    for i in first..=runs {
        let s = measure::run(&mut make()?, timeout).map_err(|e| e.to_string())?;
        if !ok(s.end) {
            return Err(match s.end {
                End::TimedOut => format!("timed out after {:.0} s", s.wall.as_secs_f64()),
                other => format!("ended with {other:?}"),
            });
        }
        if i > 0 {
            samples.push(s);
        }
    }
    Ok(samples)
}

struct Stats {
    wall: Duration,
    min: Duration,
    max: Duration,
    cpu: Duration,
    rss_kib: u64,
    runs: usize,
}

fn stats(samples: &[Sample]) -> Stats {
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    Stats {
        wall: median(&walls),
        min: walls.iter().min().copied().unwrap_or_default(),
        max: walls.iter().max().copied().unwrap_or_default(),
        cpu: median(&samples.iter().map(|s| s.cpu).collect::<Vec<_>>()),
        rss_kib: median_u64(&samples.iter().map(|s| s.max_rss_kib).collect::<Vec<_>>()),
        runs: samples.len(),
    }
}

struct Row {
    flavour: Flavour,
    n: usize,
    bytes: u64,
    declared: u64,
    summary: Summary,
    check: Result<Stats, String>,
    floor: Result<Stats, String>,
    peers: Vec<(&'static str, Result<Stats, String>)>,
}

impl Row {
    fn skipped(flavour: Flavour, n: usize, why: &str) -> Row {
        Row {
            flavour,
            n,
            bytes: 0,
            declared: 0,
            summary: Summary::default(),
            check: Err(why.to_string()),
            floor: Err("—".into()),
            peers: Vec::new(),
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 0.1 {
        format!("{:.1} ms", s * 1e3)
    } else if s < 10.0 {
        format!("{s:.3} s")
    } else {
        format!("{s:.1} s")
    }
}

fn mib(kib: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let m = kib as f64 / 1024.0;
    format!("{m:.1} MiB")
}

#[allow(clippy::cast_precision_loss)]
fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.1}×", a / b)
    } else {
        "—".into()
    }
}

fn run(config: &Config) -> ExitCode {
    let bench = bench_dir();
    let out_dir = bench.join("out");
    if let Err(e) = fs::create_dir_all(&out_dir) {
        eprintln!("scale: {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let (peers, peer_notes) = if config.peers {
        peers::available(&bench)
    } else {
        (Vec::new(), vec!["peers off (--no-peers)".to_string()])
    };
    for note in &peer_notes {
        eprintln!("{note}");
    }
    let mut rows: Vec<Row> = Vec::new();
    for &flavour in &config.flavours {
        for &n in &config.sizes {
            // Skip a size that linear growth from the last one says cannot finish in time.
            let last = rows.iter().rev().find(|r| r.flavour == flavour);
            if let Some((prev, Ok(c))) = last.map(|r| (r.n, &r.check)) {
                #[allow(clippy::cast_precision_loss)]
                let expected = c.wall.as_secs_f64() * n as f64 / prev as f64;
                // Half the limit: growth is not linear yet, and a time-out costs the limit.
                if expected > config.timeout.as_secs_f64() / 2.0 {
                    eprintln!(
                        "{}-{n}: skipped (N={prev} took {:.1} s; ×{} is over the {} s limit)",
                        flavour_name(flavour),
                        c.wall.as_secs_f64(),
                        n / prev.max(1),
                        config.timeout.as_secs()
                    );
                    rows.push(Row::skipped(
                        flavour,
                        n,
                        &format!(
                            "skipped: N={prev} took {}, ×{} is over half the --timeout of {} s",
                            secs(c.wall),
                            n / prev.max(1),
                            config.timeout.as_secs()
                        ),
                    ));
                    continue;
                }
            }
            match measure_tree(config, &bench, &out_dir, flavour, n, &peers) {
                Ok(row) => rows.push(row),
                Err(e) => {
                    eprintln!("scale: {} N={n}: {e}", flavour_name(flavour));
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let startup = measure_startup(config, &bench, &out_dir, &peers);
    let editor = measure_editor(config, &bench);
    let mut report = render(config, &rows, &startup, &peers, &peer_notes);
    report.push_str(&editor);
    print!("{report}");
    let _ = fs::write(bench.join("latest.md"), &report);
    ExitCode::SUCCESS
}

fn measure_tree(
    config: &Config,
    bench: &Path,
    out_dir: &Path,
    flavour: Flavour,
    n: usize,
    peers: &[Peer],
) -> Result<Row, String> {
    let dir = tree(bench, flavour, n, config.seed)?;
    let name = format!("{}-{n}", flavour_name(flavour));
    let (runs, warm_up) = match n {
        ..1000 => (config.runs, true),
        1000..10_000 => (config.runs.min(3), true),
        // One run, but warm: a cold page cache measures the disk, not vpclint.
        _ => (1, true),
    };
    eprintln!("{name}: vpclint check ×{runs}");
    let out = out_dir.join(format!("{name}.json"));
    let check = sample(
        &|| vpclint_command(&dir, &out),
        (runs, warm_up),
        Some(config.timeout),
        &|e| matches!(e, End::Exit(0 | 1)),
    )
    .map(|s| stats(&s));
    let summary = if check.is_ok() {
        summary_of(&out)
    } else {
        Summary::default()
    };
    eprintln!("{name}: parse-only floor ×{runs}");
    let floor_out = out_dir.join(format!("{name}.floor.json"));
    let floor = sample(
        &|| floor_command(&dir, &floor_out),
        (runs, warm_up),
        Some(config.timeout),
        &|e| e == End::Exit(0),
    )
    .map(|s| stats(&s));
    let mut peer_rows = Vec::new();
    if config.peer_sizes.contains(&n) {
        for peer in peers.iter().filter(|p| p.handles(flavour)) {
            eprintln!("{name}: {} ×{}", peer.name, config.peer_runs);
            let result = sample(
                &|| Ok(peer.command(flavour, &dir, bench)),
                (config.peer_runs, false),
                Some(config.peer_timeout),
                // Every peer exits non-zero on findings; only time-outs and signals fail.
                &|e| matches!(e, End::Exit(_)),
            )
            .map(|s| stats(&s));
            peer_rows.push((peer.name, result));
        }
    }
    Ok(Row {
        flavour,
        n,
        bytes: input_bytes(&dir),
        declared: declared_resources(&dir),
        summary,
        check,
        floor,
        peers: peer_rows,
    })
}

struct Startup {
    vpclint: BTreeMap<&'static str, Result<Stats, String>>,
    peers: Vec<(String, Result<Stats, String>)>,
}

/// The language server's latency for one-file edits, in the N = 1000 trees (or the largest
/// size measured below it), as a section of the report.
fn measure_editor(config: &Config, bench: &Path) -> String {
    let Some(&n) = config.sizes.iter().filter(|&&n| n <= 1000).max() else {
        return String::new();
    };
    let mut s = format!(
        "\nEditor: `vpclint lsp` on the N = {n} trees, {EDITOR_EDITS} `didChange` edits of one file each, alternately adding and removing an unknown instance type; time from sending the edit to reading that file's `publishDiagnostics` (`scale lsp-edit TREE {EDITOR_EDITS} value|link`):\n\n"
    );
    for &flavour in &config.flavours {
        let dir = match tree(bench, flavour, n, config.seed) {
            Ok(dir) => dir,
            Err(e) => {
                let _ = writeln!(s, "- {}: {e}", flavour_name(flavour));
                continue;
            }
        };
        for (kind, what) in [
            (lsp::Kind::Value, "a value"),
            (
                lsp::Kind::Link,
                "a value and what the units depend on (a module call; an export name)",
            ),
        ] {
            eprintln!("editor ({} N={n}): {what}", flavour_name(flavour));
            let _ = match lsp::measure(VPCLINT, &dir, EDITOR_EDITS, kind) {
                Ok(l) => writeln!(s, "- {}, {what}: {}", flavour_name(flavour), lsp_line(&l)),
                Err(e) => writeln!(s, "- {}, {what}: {e}", flavour_name(flavour)),
            };
        }
    }
    s
}

/// Edits measured per tree and kind of edit.
const EDITOR_EDITS: usize = 30;

fn measure_startup(config: &Config, bench: &Path, out_dir: &Path, peers: &[Peer]) -> Startup {
    let dir = bench.join("trees").join("startup");
    let tf = dir.join("main.tf");
    let cfn = dir.join("template.yaml");
    let written = fs::create_dir_all(&dir)
        .and_then(|()| fs::write(&tf, STARTUP_TF))
        .and_then(|()| fs::write(&cfn, STARTUP_CFN));
    let mut startup = Startup {
        vpclint: BTreeMap::new(),
        peers: Vec::new(),
    };
    if let Err(e) = written {
        startup.vpclint.insert("tf", Err(e.to_string()));
        return startup;
    }
    let out = out_dir.join("startup.json");
    for (label, file, flavour) in [
        ("tf", &tf, Flavour::Terraform),
        ("cfn", &cfn, Flavour::CloudFormation),
    ] {
        eprintln!("start-up ({label}): vpclint ×{}", config.startup_runs);
        let result = sample(
            &|| vpclint_command(file, &out),
            (config.startup_runs, true),
            None,
            &|e| matches!(e, End::Exit(0 | 1)),
        )
        .map(|s| stats(&s));
        startup.vpclint.insert(label, result);
        // Each peer once: trivy and checkov on the Terraform file, cfn-lint on the template.
        for peer in peers
            .iter()
            .filter(|p| (p.name == "cfn-lint") == (flavour == Flavour::CloudFormation))
        {
            eprintln!("start-up ({label}): {} ×{}", peer.name, config.peer_runs);
            let result = sample(
                &|| Ok(peer.command(flavour, file, bench)),
                (config.peer_runs, false),
                Some(config.peer_timeout),
                &|e| matches!(e, End::Exit(_)),
            )
            .map(|s| stats(&s));
            startup
                .peers
                .push((format!("{} ({label})", peer.name), result));
        }
    }
    startup
}

#[allow(clippy::cast_precision_loss)]
fn render(
    config: &Config,
    rows: &[Row],
    startup: &Startup,
    peers: &[Peer],
    notes: &[String],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nvpclint {} ({}), {} cores; medians of {} runs (at most 3 from N = 1000, 1 at N = 10000), each a new process, files in the page cache (one warm-up run first), {} s limit a run\n",
        env!("CARGO_PKG_VERSION"),
        VPCLINT,
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        config.runs,
        config.timeout.as_secs(),
    );
    s.push_str("| tree | files | input | resources (summary) | findings | check wall (min–max) | resources/s | CPU/wall | peak RSS | RSS/input | parse-only floor | check/floor |\n");
    s.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in rows {
        let input_kib = r.bytes / 1024;
        let findings = if r.summary.by_rule.is_empty() {
            r.summary.diagnostics.to_string()
        } else {
            let rules: Vec<String> = r
                .summary
                .by_rule
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            format!("{} ({})", r.summary.diagnostics, rules.join(", "))
        };
        let (wall, rate, cpu, rss, rss_ratio) = match &r.check {
            Ok(c) => (
                format!("{} ({}–{})", secs(c.wall), secs(c.min), secs(c.max)),
                format!("{:.0}", r.declared as f64 / c.wall.as_secs_f64()),
                format!("{:.2}", c.cpu.as_secs_f64() / c.wall.as_secs_f64()),
                mib(c.rss_kib),
                ratio(c.rss_kib as f64 * 1024.0, r.bytes as f64),
            ),
            Err(e) => (e.clone(), "—".into(), "—".into(), "—".into(), "—".into()),
        };
        let (floor, vs) = match (&r.floor, &r.check) {
            (Ok(f), Ok(c)) => (
                format!("{} ({})", secs(f.wall), mib(f.rss_kib)),
                ratio(c.wall.as_secs_f64(), f.wall.as_secs_f64()),
            ),
            (Ok(f), Err(_)) => (secs(f.wall), "—".into()),
            (Err(e), _) => (e.clone(), "—".into()),
        };
        let dash = |v: String| if r.check.is_ok() { v } else { "—".into() };
        let _ = writeln!(
            s,
            "| {} N={} | {} | {} | {} | {} | {wall} | {rate} | {cpu} | {rss} | {rss_ratio} | {floor} | {vs} |",
            flavour_name(r.flavour),
            r.n,
            dash(r.summary.files.to_string()),
            if r.bytes > 0 { format!("{:.1} MiB", input_kib as f64 / 1024.0) } else { "—".into() },
            if r.declared > 0 { format!("{} ({})", r.declared, dash(r.summary.resources.to_string())) } else { "—".into() },
            dash(findings),
        );
    }
    let own = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let _ = writeln!(
        s,
        "\npeak RSS: the child's `ru_maxrss` from `wait4`, which on Linux is at least the benchmark's own peak ({own}).",
    );
    s.push_str(
        "resources: the instances the generator declared (what vpclint models; resources/s uses it); \
         (summary): vpclint's `summary.resources`, which counts a shared module's resources once per address and span.\n",
    );
    let errors: u64 = rows.iter().map(|r| r.summary.errors).sum();
    let unchecked: Vec<String> = rows
        .iter()
        .filter(|r| r.summary.unchecked > 0)
        .map(|r| {
            format!(
                "{} N={}: {}",
                flavour_name(r.flavour),
                r.n,
                r.summary.unchecked
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "\nfile errors reported by vpclint: {errors}; unchecked items: {}",
        if unchecked.is_empty() {
            "none".into()
        } else {
            unchecked.join(", ")
        }
    );

    // Start-up.
    s.push_str("\nStart-up, one small file (`vpclint check --format json FILE`):\n\n");
    for (label, result) in &startup.vpclint {
        let _ = match result {
            Ok(st) => writeln!(
                s,
                "- vpclint, {label}: {} median of {} (min {}, max {}), peak RSS {}",
                secs(st.wall),
                st.runs,
                secs(st.min),
                secs(st.max),
                mib(st.rss_kib)
            ),
            Err(e) => writeln!(s, "- vpclint, {label}: {e}"),
        };
    }
    for (name, result) in &startup.peers {
        let vp = if name.ends_with("(cfn)") { "cfn" } else { "tf" };
        let base = startup.vpclint.get(vp).and_then(|r| r.as_ref().ok());
        let _ = match (result, base) {
            (Ok(st), Some(b)) => writeln!(
                s,
                "- {name}: {} median of {} ({} vpclint's)",
                secs(st.wall),
                st.runs,
                ratio(st.wall.as_secs_f64(), b.wall.as_secs_f64())
            ),
            (Ok(st), None) => writeln!(s, "- {name}: {}", secs(st.wall)),
            (Err(e), _) => writeln!(s, "- {name}: {e}"),
        };
    }

    // Peers.
    if !peers.is_empty() {
        let names: Vec<&str> = peers.iter().map(|p| p.name).collect();
        let versions: Vec<String> = peers
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        let _ = writeln!(
            s,
            "\nPeers ({}), medians of {} runs, offline; ratio = peer wall / vpclint wall:\n",
            versions.join(", "),
            config.peer_runs
        );
        s.push_str("| tree | vpclint |");
        for n in &names {
            let _ = write!(s, " {n} | ratio |");
        }
        s.push_str("\n|---|--:|");
        for _ in &names {
            s.push_str("--:|--:|");
        }
        s.push('\n');
        for r in rows.iter().filter(|r| !r.peers.is_empty()) {
            let Ok(c) = &r.check else { continue };
            let _ = write!(
                s,
                "| {} N={} | {} |",
                flavour_name(r.flavour),
                r.n,
                secs(c.wall)
            );
            for n in &names {
                let _ = match r.peers.iter().find(|(p, _)| p == n) {
                    Some((_, Ok(st))) => write!(
                        s,
                        " {} ({}) | {} |",
                        secs(st.wall),
                        mib(st.rss_kib),
                        ratio(st.wall.as_secs_f64(), c.wall.as_secs_f64())
                    ),
                    Some((_, Err(e))) => write!(s, " {e} | — |"),
                    None => write!(s, " — | — |"),
                };
            }
            s.push('\n');
        }
    }
    for note in notes {
        let _ = writeln!(s, "\n{note}");
    }
    s
}
