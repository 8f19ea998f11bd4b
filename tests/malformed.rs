//! Hostile and malformed input beside good input. For every case: no panic, no hang, an exit
//! code of 0, 1 or 2, an error with file and location for the bad file where it is one, and
//! the good files' findings still reported in the same run.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The seed design in Terraform: gives VPC001 on `aws_instance.legacy`.
fn good_files() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new("examples/seed/terraform");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| {
            (
                format!("good/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn tree(name: &str, bad: &[(&str, Vec<u8>)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("malformed")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, bytes) in good_files()
        .iter()
        .map(|(p, b)| (p.as_str(), b.clone()))
        .chain(bad.iter().map(|(p, b)| (*p, b.clone())))
    {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

struct Outcome {
    code: i32,
    json: Value,
    stderr: String,
    elapsed: Duration,
}

/// Runs `vpclint check --format json DIR`, killing it after `limit`.
fn check(dir: &Path, limit: Duration) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    // The bound is on the processor time the run used (where the system says it: Linux),
    // not on the wall clock, which a loaded machine stretches; the wall clock only stops a
    // run that hangs without computing.
    let pid = child.id();
    let mut cpu = None;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        cpu = cpu_time(pid).or(cpu);
        let used = cpu.unwrap_or_else(|| start.elapsed());
        if used > limit || start.elapsed() > limit * 10 {
            let _ = child.kill();
            panic!(
                "{} did not finish within {limit:?} (processor time {cpu:?}, wall clock {:?})",
                dir.display(),
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    let code = status.code().expect("exited, not killed by a signal");
    assert!(
        !stderr.contains("panicked"),
        "{}: panic: {stderr}",
        dir.display()
    );
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: output is not JSON ({e}): {stdout}\n{stderr}",
            dir.display()
        )
    });
    Outcome {
        code,
        json,
        stderr,
        elapsed: cpu.unwrap_or_else(|| start.elapsed()),
    }
}

/// User and system time of a running process, from `/proc/PID/stat` (in clock ticks of
/// 1/100 s, the value Linux reports to user space); `None` elsewhere.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after its `)` are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn assert_good_findings_kept(o: &Outcome, case: &str) {
    let found = o.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "VPC001" && d["resource"] == "aws_instance.legacy");
    assert!(
        found,
        "{case}: the good files' finding is missing: {}",
        o.json
    );
    assert!([0, 1, 2].contains(&o.code), "{case}: exit {}", o.code);
}

/// The bad file is reported as an error with a location.
fn assert_error_for(o: &Outcome, case: &str, file_suffix: &str) {
    let errors = o.json["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with(file_suffix))
        .unwrap_or_else(|| {
            panic!(
                "{case}: no error for {file_suffix}: {errors:?}\n{}",
                o.stderr
            )
        });
    assert!(e["location"]["line"].as_u64().unwrap() >= 1, "{case}: {e}");
    assert!(!e["message"].as_str().unwrap().is_empty(), "{case}");
    assert_eq!(o.code, 1, "{case}: a file error exits 1");
}

const LIMIT: Duration = Duration::from_secs(60);

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env:\n    Type: String\n    Default: dev\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.9.0.0/16\n      Tags:\n        - Key: Name\n          Value: !Sub '${Env}-vpc'\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]\n  Host:\n    Type: AWS::EC2::Instance\n    Condition: IsProd\n    Properties:\n      InstanceType: !If [IsProd, m5.large, t3.micro]\n      SubnetId: !Ref Subnet\n";

#[test]
fn truncated_files_at_every_few_bytes() {
    let hcl = std::fs::read_to_string("examples/seed/terraform/network.tf").unwrap();
    let cases: Vec<(&str, &str)> = vec![
        ("bad/broken.tf", hcl.as_str()),
        ("bad/broken.yaml", TEMPLATE),
    ];
    for (name, text) in cases {
        // Every 7th byte boundary, in one tree per cut (a few dozen runs each).
        let cuts: Vec<usize> = (1..text.len()).step_by(text.len() / 24 + 1).collect();
        for cut in cuts {
            let mut end = cut;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let case = format!("{name} cut at {end}");
            let dir = tree(
                &format!("truncated-{}-{end}", name.replace(['/', '.'], "_")),
                &[(name, text.as_bytes()[..end].to_vec())],
            );
            let o = check(&dir, LIMIT);
            assert_good_findings_kept(&o, &case);
        }
    }
}

#[test]
fn structural_garbage_is_a_located_error() {
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("unbalanced-braces", "bad/x.tf", b"resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.1.0.0/16\"\n".to_vec()),
        ("extra-brace", "bad/x.tf", b"}\nresource \"aws_vpc\" \"x\" {}\n".to_vec()),
        ("invalid-utf8-tf", "bad/x.tf", b"resource \"aws_vpc\" \"x\" {\n  cidr_block = \"\xff\xfe\"\n}\n".to_vec()),
        ("nul-byte-tf", "bad/x.tf", b"resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.1.0.0/16\"\0\n}\n".to_vec()),
        ("yaml-tab-indent", "bad/t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n\tVpc:\n\t\tType: AWS::EC2::VPC\n".to_vec()),
        ("json-trailing-comma", "bad/t.json", b"{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Vpc\": {\"Type\": \"AWS::EC2::VPC\",}}}".to_vec()),
        ("yaml-duplicate-keys", "bad/t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n  Vpc:\n    Type: AWS::EC2::VPC\n".to_vec()),
        ("json-duplicate-keys", "bad/t.json", b"{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"A\": {\"Type\": \"AWS::EC2::VPC\"}, \"A\": {\"Type\": \"AWS::EC2::VPC\"}}}".to_vec()),
        ("resources-is-a-list", "bad/t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - Type: AWS::EC2::VPC\n".to_vec()),
        ("type-is-an-intrinsic", "bad/t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  X: {Type: String}\nResources:\n  Vpc:\n    Type: !Ref X\n".to_vec()),
        ("duplicate-terraform-address", "bad/x.tf", b"resource \"aws_vpc\" \"legacy\" {}\nresource \"aws_vpc\" \"legacy\" {}\n".to_vec()),
    ];
    for (case, name, bytes) in cases {
        let dir = tree(case, &[(name, bytes)]);
        let o = check(&dir, LIMIT);
        assert_good_findings_kept(&o, case);
        assert_error_for(&o, case, name.trim_start_matches("bad/"));
    }
}

#[test]
fn odd_but_valid_input_is_read() {
    let seed = std::fs::read_to_string("examples/seed/cloudformation/template.yaml").unwrap();
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "bom-yaml",
            "cfn/t.yaml",
            [b"\xef\xbb\xbf".as_slice(), seed.as_bytes()].concat(),
        ),
        (
            "crlf-yaml",
            "cfn/t.yaml",
            seed.replace('\n', "\r\n").into_bytes(),
        ),
        (
            "unknown-tag",
            "cfn/t.yaml",
            seed.replace(
                "Resources:\n",
                "Resources:\n  Mod:\n    Type: !Rain::Module ./m.yaml\n",
            )
            .into_bytes(),
        ),
    ];
    for (case, name, bytes) in cases {
        let dir = tree(case, &[(name, bytes)]);
        let o = check(&dir, LIMIT);
        assert_good_findings_kept(&o, case);
        // The template's own finding is still found.
        let cfn = o.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "VPC001" && d["resource"] == "LegacyInstance");
        assert!(cfn, "{case}: {}", o.json);
        if case != "unknown-tag" {
            assert_eq!(
                o.json["errors"].as_array().unwrap().len(),
                0,
                "{case}: {}",
                o.json
            );
        }
    }
}

#[test]
fn deep_nesting_and_alias_bombs_are_bounded() {
    let depth = 10_000;
    let mut hcl = String::from("locals {\n  x = ");
    hcl.push_str(&"[".repeat(depth));
    hcl.push_str(&"]".repeat(depth));
    hcl.push_str("\n}\n");
    let mut hcl_blocks = String::new();
    for _ in 0..depth {
        hcl_blocks.push_str("a {\n");
    }
    for _ in 0..depth {
        hcl_blocks.push_str("}\n");
    }
    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"A\": {{\"Type\": \"AWS::EC2::VPC\", \"Properties\": {{\"Tags\": {}{}}}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      Tags:\n");
    for i in 0..depth {
        yaml.push_str(&" ".repeat(8 + i * 2));
        yaml.push_str("k:\n");
    }
    let mut bomb = String::from("AWSTemplateFormatVersion: '2010-09-09'\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let prev = i - 1;
        let _ = writeln!(
            bomb,
            "x{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]"
        );
    }
    bomb.push_str("Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      Tags: *a11\n");
    let cases: Vec<(&str, &str, String)> = vec![
        ("deep-hcl-expr", "bad/deep.tf", hcl),
        ("deep-hcl-blocks", "bad/deep.tf", hcl_blocks),
        ("deep-json", "bad/deep.json", json),
        ("deep-yaml", "bad/deep.yaml", yaml),
        ("alias-bomb", "bad/bomb.yaml", bomb),
    ];
    for (case, name, text) in cases {
        let dir = tree(case, &[(name, text.into_bytes())]);
        let o = check(&dir, LIMIT);
        assert_good_findings_kept(&o, case);
        assert_error_for(&o, case, name.trim_start_matches("bad/"));
        // A bound against blow-ups, not a benchmark: the deep YAML case is a 100 MB file,
        // which a debug build reads in 24–30 s while the other tests of this file run beside
        // it on two cores.
        assert!(o.elapsed < LIMIT, "{case}: took {:?}", o.elapsed);
    }
}

#[test]
fn large_template_is_read() {
    // ~20 MB of CloudFormation: many small subnets.
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/8\n");
    let mut i = 0u32;
    while yaml.len() < 20 * 1024 * 1024 {
        let (b, c) = (i / 256 % 256, i % 256);
        let _ = write!(
            yaml,
            "  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.{b}.{c}.0/24\n      Tags:\n        - Key: Name\n          Value: subnet-number-{i}-with-a-long-name-to-make-the-file-larger\n"
        );
        i += 1;
    }
    let dir = tree("large-template", &[("cfn/big.yaml", yaml.into_bytes())]);
    let o = check(&dir, Duration::from_secs(120));
    assert_good_findings_kept(&o, "large-template");
    assert_eq!(o.json["errors"].as_array().unwrap().len(), 0);
    assert!(o.json["summary"]["resources"].as_u64().unwrap() > 90_000);
}

#[test]
fn filesystem_oddities_do_not_stop_the_run() {
    let dir = tree("fs-oddities", &[]);
    // A directory named like a Terraform file.
    std::fs::create_dir_all(dir.join("odd/dir.tf")).unwrap();
    #[cfg(unix)]
    {
        // A symlink loop and a dangling link.
        let _ = std::os::unix::fs::symlink(dir.join("odd/loop"), dir.join("odd/loop"));
        let _ = std::os::unix::fs::symlink(dir.join("odd"), dir.join("odd/inner"));
        let _ = std::os::unix::fs::symlink(dir.join("missing.tf"), dir.join("odd/dangling.tf"));
        // A FIFO must not block the run.
        let _ = Command::new("mkfifo").arg(dir.join("odd/fifo.tf")).status();
    }
    let o = check(&dir, LIMIT);
    assert_good_findings_kept(&o, "fs-oddities");
}

#[test]
fn a_module_that_calls_itself_is_bounded() {
    let module = "module \"again\" {\n  source = \"./\"\n}\nresource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.7.0.0/16\"\n}\n";
    let nested = "module \"loop\" {\n  source = \"../loop\"\n}\n";
    let dir = tree(
        "self-calling-module",
        &[
            ("self/main.tf", module.as_bytes().to_vec()),
            ("loop/main.tf", nested.as_bytes().to_vec()),
        ],
    );
    let o = check(&dir, LIMIT);
    assert_good_findings_kept(&o, "self-calling-module");
    assert!(o.elapsed < Duration::from_secs(30), "took {:?}", o.elapsed);
}

#[test]
fn many_resources_and_conditions_are_bounded_and_reported() {
    // 5 000 resources under 50 conditions on unknown inputs (parameters without defaults).
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n");
    for c in 0..50 {
        let _ = writeln!(yaml, "  P{c}:\n    Type: String");
    }
    yaml.push_str("Conditions:\n");
    for c in 0..50 {
        let _ = writeln!(yaml, "  C{c}: !Equals [!Ref P{c}, 'yes']");
    }
    yaml.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/8\n");
    for i in 0..5000 {
        let c = i % 50;
        let (b, d) = (i / 256 % 256, i % 256);
        let _ = writeln!(
            yaml,
            "  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Condition: C{c}\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.{b}.{d}.0/24"
        );
    }
    let dir = tree("many-conditions", &[("cfn/t.yaml", yaml.into_bytes())]);
    let o = check(&dir, Duration::from_secs(120));
    assert_good_findings_kept(&o, "many-conditions");
    assert_eq!(
        o.json["errors"].as_array().unwrap().len(),
        0,
        "{}",
        o.json["errors"]
    );
    // The bound is reported, not silently exceeded.
    let unchecked = o.json["unchecked"].to_string();
    assert!(unchecked.contains("ondition"), "{unchecked}");
}
