//! Hostile input to the evaluators (issue 19 items 1–4, 6 and 14): inputs that blew up
//! memory, time or the stack, each beside the seed design in Terraform (VPC001 on
//! `aws_instance.legacy`), large ones generated here. For each: the run ends with exit 1,
//! the bad input is a located error or an unchecked entry that says why, the good files'
//! finding is kept, and the run stays within a time bound and an address-space limit
//! (`prlimit --as`, so that a regression aborts the run instead of exhausting the machine).
//! The bounds are loose on purpose: they catch a blow-up (minutes, gigabytes), not a
//! slowdown; the figures of each case are in the README's "Limits". Time is the processor
//! time the run used, read from `/proc/PID/stat` (a loaded CI runner stretches the wall
//! clock, not this); memory is the peak resident size from `/proc/PID/status` (`VmHWM`),
//! and the address-space limit is what stops a regression before it takes the machine.
//! The wall clock only guards against a run that hangs without computing (ten times the
//! processor-time bound).

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The address space a run may use (the debug binary with its threads reserves a few
/// hundred megabytes; every case here uses less than 600 MB resident).
const ADDRESS_SPACE: u64 = 3 << 30;
/// The peak resident memory a run may reach.
const RESIDENT: u64 = 1 << 30;
/// The processor time a run may use (debug build; the slowest case uses about 10 s).
const LIMIT: Duration = Duration::from_secs(90);

/// The seed design in Terraform under `good/`, and `bad` beside it.
fn tree(name: &str, bad: &[(&str, String)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("good")).unwrap();
    for entry in std::fs::read_dir("examples/seed/terraform").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&path, dir.join("good").join(path.file_name().unwrap())).unwrap();
        }
    }
    for (path, text) in bad {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

struct Outcome {
    code: i32,
    json: Value,
    /// Processor time (user and system), or the wall clock where `/proc` is not there.
    elapsed: Duration,
    /// Peak resident memory in bytes, where `/proc` says it.
    peak: Option<u64>,
}

/// Whether `prlimit` (util-linux) is there to bound the address space.
fn prlimit() -> bool {
    Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
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

/// The peak resident size of a running process, from `/proc/PID/status` (`VmHWM`).
fn peak_resident(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb = line.split_whitespace().nth(1)?.parse::<u64>().ok()?;
    Some(kb * 1024)
}

/// `vpclint check --format json DIR` under the address-space limit, killed past `LIMIT`
/// of processor time (or ten times that of wall clock).
fn check(dir: &Path) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_vpclint");
    let mut command = if prlimit() {
        // prlimit sets the limit on itself and executes vpclint: the same process.
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={ADDRESS_SPACE}")).arg("--").arg(bin);
        c
    } else {
        eprintln!(
            "prlimit not found: {} runs without an address-space limit",
            dir.display()
        );
        Command::new(bin)
    };
    // glibc reserves 64 MiB of address space per malloc arena, one per thread up to eight
    // per core: on a runner with many cores that alone would reach the limit.
    command.env("MALLOC_ARENA_MAX", "2");
    let start = Instant::now();
    let mut child = command
        .args(["check", "--format", "json"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let pid = child.id();
    let (mut cpu, mut peak) = (None, None);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        cpu = cpu_time(pid).or(cpu);
        peak = peak_resident(pid).max(peak);
        let used = cpu.unwrap_or_else(|| start.elapsed());
        if used > LIMIT || start.elapsed() > LIMIT * 10 {
            let _ = child.kill();
            panic!(
                "{} did not finish within {LIMIT:?} (processor time {cpu:?}, wall clock {:?})",
                dir.display(),
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    let code = status
        .code()
        .unwrap_or_else(|| panic!("{}: killed by a signal: {stderr}", dir.display()));
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "{}: {stderr}",
        dir.display()
    );
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: exit {code}, output is not JSON ({e}): {stderr}",
            dir.display()
        )
    });
    Outcome {
        code,
        json,
        elapsed: cpu.unwrap_or_else(|| start.elapsed()),
        peak,
    }
}

/// Exit 1, the good files' finding kept, no internal error, within the time bound.
fn assert_contained(o: &Outcome, case: &str) {
    assert_eq!(o.code, 1, "{case}: {}", o.json);
    let kept = o.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "VPC001" && d["resource"] == "aws_instance.legacy");
    assert!(
        kept,
        "{case}: the good files' finding is missing: {}",
        o.json
    );
    let internal = o.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("internal error"));
    assert!(!internal, "{case}: {}", o.json["errors"]);
    assert!(o.elapsed < LIMIT, "{case}: took {:?}", o.elapsed);
    if let Some(peak) = o.peak {
        assert!(peak < RESIDENT, "{case}: peak resident {} MB", peak >> 20);
    }
    eprintln!(
        "{case}: processor time {:?}, peak resident {} MB",
        o.elapsed,
        o.peak.map_or(0, |p| p >> 20)
    );
}

/// The error in `file` at `line` whose message starts with `message`.
fn assert_error(o: &Outcome, case: &str, file: &str, line: u64, message: &str) {
    let errors = o.json["errors"].as_array().unwrap();
    let found = errors.iter().any(|e| {
        e["file"].as_str().unwrap().ends_with(file)
            && e["location"]["line"] == line
            && e["message"].as_str().unwrap().starts_with(message)
    });
    assert!(
        found,
        "{case}: no error {file}:{line}: {message}…: {}",
        serde_json::to_string_pretty(errors).unwrap()
    );
}

/// An unchecked entry whose cause contains `cause`.
fn assert_unchecked(o: &Outcome, case: &str, why: &str) {
    let unchecked = o.json["unchecked"].as_array().unwrap();
    let found = unchecked
        .iter()
        .any(|u| u["cause"].as_str().unwrap().contains(why));
    assert!(
        found,
        "{case}: no unchecked entry because of {why:?}: {}",
        serde_json::to_string_pretty(unchecked).unwrap()
    );
}

/// An instance whose type is `local.x`: EC2001 asks about it, so a value that cannot be
/// evaluated shows as an unchecked entry with its reason.
const INSTANCE: &str = "resource \"aws_instance\" \"bad\" {\n  ami           = \"ami-1\"\n  instance_type = local.x\n  subnet_id     = \"subnet-1\"\n}\n";

/// A VPC whose CIDR block is `local.x`: evaluated whatever its value is.
const VPC: &str = "resource \"aws_vpc\" \"bad\" {\n  cidr_block = local.x\n}\n";

/// Item 1: `format` widths and precisions are checked before anything is allocated.
#[test]
fn format_widths_and_precisions_are_bounded() {
    // A numeric width or precision past Go's fmt limit: not applied by Terraform either.
    for (case, spec) in [
        ("format-width", "%999999999999d"),
        ("format-precision", "%.999999999999f"),
        ("format-width-overflow", "%99999999999999999999999x"),
    ] {
        let bad = format!("locals {{\n  x = format(\"{spec}\", 1)\n}}\n{INSTANCE}");
        let o = check(&tree(case, &[("good/bad.tf", bad)]));
        assert_contained(&o, case);
        assert_unchecked(&o, case, "which Terraform's format does not apply");
    }
    // A precision past Rust's formatter (65,535) but within Go's: evaluated, not a panic.
    let bad = format!("locals {{\n  x = substr(format(\"%.100000f\", 1), 0, 8)\n}}\n{INSTANCE}");
    let o = check(&tree("format-long-precision", &[("good/bad.tf", bad)]));
    assert_contained(&o, "format-long-precision");
    let ec2001 = o.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "EC2001" && d["resource"] == "aws_instance.bad")
        .expect("1.000000 is not an instance type: EC2001");
    assert!(ec2001["message"].as_str().unwrap().contains("1.000000"));
    // A string width past the value budget: a located error.
    let bad = format!("locals {{\n  x = format(\"%999999999s\", \"a\")\n}}\n{INSTANCE}");
    let o = check(&tree("format-string-width", &[("good/bad.tf", bad)]));
    assert_contained(&o, "format-string-width");
    assert_error(
        &o,
        "format-string-width",
        "bad.tf",
        2,
        "value too large: 1,000,000,011 bytes",
    );
}

/// Item 2: values have a size budget; past it a located error, the rest evaluated.
#[test]
fn values_have_a_size_budget() {
    let doubling = |name: &str, first: &str, step: &dyn Fn(usize) -> String| {
        let mut text = format!("locals {{\n  {name}0 = {first}\n");
        for i in 1..40 {
            let _ = writeln!(text, "  {name}{i} = {}", step(i));
        }
        let _ = writeln!(text, "  x = length(local.{name}39)\n}}");
        text + VPC
    };
    let string = doubling("s", "\"xxxxxxxx\"", &|i| {
        format!("\"${{local.s{}}}${{local.s{}}}\"", i - 1, i - 1)
    });
    let list = doubling("l", "[\"x\", \"y\"]", &|i| {
        format!("concat(local.l{}, local.l{})", i - 1, i - 1)
    });
    let map = doubling("m", "{ a = \"x\" }", &|i| {
        format!(
            "merge(local.m{p}, {{ for k, v in local.m{p} : \"${{k}}{i}\" => v }})",
            p = i - 1
        )
    });
    // 2^21 bytes times 8 is 16 MiB: s22 is the first string past it (line 24).
    // 2^16 elements times 2 is past 100,000: l16 (line 18); maps double from 1: m17 (19),
    // less the keys that two turns happen to give alike.
    let nested = "locals {\n  x = length([for i in range(1024) : [for j in range(1024) : j]])\n}\n"
        .to_owned()
        + VPC;
    let for_each = "resource \"aws_subnet\" \"many\" {\n  for_each   = toset(flatten([for i in range(1000) : [for j in range(1000) : \"${i}-${j}\"]]))\n  vpc_id     = \"vpc-1\"\n  cidr_block = \"10.0.0.0/24\"\n}\n".to_owned();
    for (case, text, line, message) in [
        (
            "double-string",
            string,
            24,
            "value too large: 33,554,432 bytes",
        ),
        ("double-list", list, 18, "value too large: 131,072 elements"),
        ("double-map", map, 19, "value too large: 13"),
        ("nested-for", nested, 2, "value too large: 10"),
        ("for-each-flatten", for_each, 1, "value too large: 10"),
    ] {
        let o = check(&tree(case, &[("bad/bad.tf", text)]));
        assert_contained(&o, case);
        assert_error(&o, case, "bad.tf", line, message);
    }
}

/// Item 2: the unit's work is bounded too: values that each fit but are copied without
/// end stop the unit's evaluation, reported once.
#[test]
fn the_work_of_a_unit_is_bounded() {
    let text = "locals {\n  big = format(\"%16000000s\", \"x\")\n  x = length([for i in range(1024) : length(local.big)])\n}\n".to_owned() + VPC;
    let o = check(&tree("work", &[("bad/bad.tf", text)]));
    assert_contained(&o, "work");
    assert_error(&o, "work", "bad.tf", 3, "evaluation stopped");

    // Fn::ForEach in Fn::ForEach in Fn::ForEach over 1,000 names: a billion resources.
    let names: Vec<String> = (0..1000).map(|i| format!("\"x{i}\"")).collect();
    let names = names.join(", ");
    let template = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Transform\": \"AWS::LanguageExtensions\",\n\"Resources\": {{\n \"Fn::ForEach::A\": [\"a\", [{names}], {{\n  \"Fn::ForEach::B\": [\"b\", [{names}], {{\n   \"Fn::ForEach::C\": [\"c\", [{names}], {{\n    \"Subnet${{a}}${{b}}${{c}}\": {{\"Type\": \"AWS::EC2::Subnet\", \"Properties\": {{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/24\"}}}}\n   }}]\n  }}]\n }}]\n}}}}\n"
    );
    let o = check(&tree("foreach", &[("bad/t.json", template)]));
    assert_contained(&o, "foreach");
    assert_error(&o, "foreach", "t.json", 5, "evaluation stopped");
}

/// Item 3: recursion that input controls is bounded in depth.
#[test]
fn recursion_depth_is_bounded() {
    // Locals that each wrap the previous in a list, read from the bottom up (so that the
    // values grow deep) and compared: the stack overflowed at 20,000 links.
    let links = 20_000;
    let mut text = String::from("locals {\n  l0 = 1\n");
    for i in 1..links {
        let _ = writeln!(text, "  l{i} = [local.l{}]", i - 1);
    }
    let _ = writeln!(
        text,
        "  x = local.l{} == local.l{} ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}}",
        links - 1,
        links - 2
    );
    for i in (0..links).step_by(50) {
        let _ = writeln!(
            text,
            "resource \"aws_vpc\" \"c{i}\" {{\n  cidr_block = jsonencode(local.l{i})\n}}"
        );
    }
    text.push_str(VPC);
    let o = check(&tree("locals-chain", &[("bad/bad.tf", text)]));
    assert_contained(&o, "locals-chain");
    let errors = o.json["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .starts_with("nesting too deep")),
        "{errors:?}"
    );
    // A chain of 10,000 `!Condition`s: the stack overflowed.
    let mut yaml =
        String::from("AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n  C0: !Equals [a, a]\n");
    for i in 1..10_000 {
        let _ = writeln!(yaml, "  C{i}: !Condition C{}", i - 1);
    }
    yaml.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Condition: C9999\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    let o = check(&tree("condition-chain", &[("bad/t.yaml", yaml)]));
    assert_contained(&o, "condition-chain");
    let errors = o.json["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("t.yaml"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("nesting too deep"),
        "{e}"
    );
}

/// Item 4: byte bombs: an alias of a long scalar, `Fn::Join` and `Fn::Sub` over many
/// references to a long parameter.
#[test]
fn byte_bombs_are_bounded() {
    let mut yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nBig: &big {}\nMany:\n",
        "x".repeat(1 << 20)
    );
    for _ in 0..1000 {
        yaml.push_str("  - *big\n");
    }
    yaml.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    let o = check(&tree("yaml-alias-bytes", &[("bad/t.yaml", yaml)]));
    assert_contained(&o, "yaml-alias-bytes");
    assert_error(
        &o,
        "yaml-alias-bytes",
        "t.yaml",
        66,
        "alias expansion exceeds 64 MiB",
    );

    let template = |cidr: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\n    Default: {}\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: {cidr}\n",
            "y".repeat(100 * 1024)
        )
    };
    let join = template(&format!(
        "!Join ['', [{}]]",
        vec!["!Ref P"; 30_000].join(", ")
    ));
    let sub = template(&format!("!Sub '{}'", "${P}".repeat(30_000)));
    for (case, text) in [("join-refs", join), ("sub-refs", sub)] {
        let o = check(&tree(case, &[("bad/t.yaml", text)]));
        assert_contained(&o, case);
        assert_error(&o, case, "t.yaml", 10, "value too large: 16,");
    }

    // A short text that splits into a long list: checked before it is split.
    let commas = ",".repeat(200_000);
    let template = |cidr: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  L:\n    Type: CommaDelimitedList\n    Default: '{commas}'\nResources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n      CidrBlock: {cidr}\n"
        )
    };
    let o = check(&tree(
        "split-list",
        &[
            ("bad/list.yaml", template("!Select [0, !Ref L]")),
            (
                "bad/split.yaml",
                template(&format!("!Select [0, !Split [',', '{commas}']]")),
            ),
        ],
    ));
    assert_contained(&o, "split-list");
    for file in ["list.yaml", "split.yaml"] {
        assert_error(
            &o,
            "split-list",
            file,
            11,
            "value too large: 200,001 elements",
        );
    }
}

/// Item 6: chains of references are evaluated once; `toset`/`distinct` are not quadratic.
#[test]
fn no_exponential_or_quadratic_evaluation() {
    // Each VPC's CIDR reads the previous one's three times: 3^60 evaluations unmemoised.
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  V0:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    for i in 1..60 {
        let p = i - 1;
        let _ = writeln!(
            yaml,
            "  V{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Select [0, [!GetAtt V{p}.CidrBlock, !GetAtt V{p}.CidrBlock, !GetAtt V{p}.CidrBlock]]"
        );
    }
    let o = check(&tree("getatt-chain", &[("bad/t.yaml", yaml)]));
    assert_contained(&o, "getatt-chain");
    assert!(o.json["summary"]["resources"].as_u64().unwrap() >= 60);

    // Plan module outputs nine deep, each referring to ten outputs of the module below.
    let o = check(&tree("plan-outputs", &[("bad/plan.json", nested_plan())]));
    assert_contained(&o, "plan-outputs");
    let subnet = o.json["summary"]["resources"].as_u64().unwrap();
    assert!(subnet >= 2, "{}", o.json);

    // 65,536 distinct strings through toset and distinct (29 s pairwise).
    let text = "locals {\n  all = flatten([for i in range(256) : [for j in range(256) : \"${i}-${j}\"]])\n  x = length(toset(local.all)) + length(distinct(local.all)) == 131072 ? \"10.0.0.0/16\" : \"bad\"\n}\n".to_owned() + VPC;
    let o = check(&tree("toset-64k", &[("bad/bad.tf", text)]));
    assert_contained(&o, "toset-64k");
    assert_eq!(o.json["errors"].as_array().unwrap().len(), 0, "{}", o.json);
    assert_eq!(
        o.json["unchecked"].as_array().unwrap().len(),
        0,
        "{}",
        o.json
    );

    // The same through setsubtract, setintersection and setunion (minutes pairwise).
    let text = "locals {\n  all = flatten([for i in range(256) : [for j in range(256) : \"${i}-${j}\"]])\n  x = length(setsubtract(local.all, [\"0-0\"])) + length(setintersection(local.all, reverse(local.all))) + length(setunion(local.all, local.all)) == 196607 ? \"10.0.0.0/16\" : \"bad\"\n}\n".to_owned() + VPC;
    let o = check(&tree("setops-64k", &[("bad/bad.tf", text)]));
    assert_contained(&o, "setops-64k");
    assert_eq!(o.json["errors"].as_array().unwrap().len(), 0, "{}", o.json);
    assert_eq!(
        o.json["unchecked"].as_array().unwrap().len(),
        0,
        "{}",
        o.json
    );
}

/// A plan whose module outputs refer to each other down nine levels of modules.
fn nested_plan() -> String {
    fn level(depth: usize) -> Value {
        let references: Vec<Value> = if depth < 8 {
            (0..10)
                .map(|q| Value::from(format!("module.m.o{q}")))
                .collect()
        } else {
            vec!["aws_vpc.v.id".into(), "aws_vpc.v".into()]
        };
        let outputs: serde_json::Map<String, Value> = (0..10)
            .map(|j| {
                (
                    format!("o{j}"),
                    serde_json::json!({ "expression": { "references": references } }),
                )
            })
            .collect();
        let mut module = serde_json::json!({ "outputs": outputs, "resources": [] });
        if depth < 8 {
            module["module_calls"] =
                serde_json::json!({ "m": { "source": "./m", "module": level(depth + 1) } });
        } else {
            module["resources"] = serde_json::json!([{ "address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v" }]);
        }
        module
    }
    let mut config = level(0);
    config["resources"] = serde_json::json!([{
        "address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
        "expressions": { "vpc_id": { "references": ["module.m.o0", "module.m"] } }
    }]);
    let address = format!("module.m{}", ".module.m".repeat(8));
    serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": {
            "resources": [{ "address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s", "values": { "cidr_block": "10.0.0.0/24" } }],
            "child_modules": [{ "address": address, "resources": [{ "address": format!("{address}.aws_vpc.v"), "mode": "managed", "type": "aws_vpc", "name": "v", "values": { "cidr_block": "10.0.0.0/16" } }] }]
        } },
        "configuration": { "root_module": config }
    })
    .to_string()
}

/// Item 14: big inputs take time and memory in proportion: a million-entry tfvars and a
/// 50,000-resource plan (a tenth of the tfvars in a debug build, whose parser is slow).
#[test]
fn big_inputs_are_linear() {
    let entries = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let mut tfvars = String::new();
    for i in 0..entries {
        let _ = writeln!(tfvars, "v{i} = \"value-{i}\"");
    }
    let main = "variable \"v0\" {\n  type = string\n}\nresource \"aws_instance\" \"bad\" {\n  ami           = \"ami-1\"\n  instance_type = var.v0\n}\n".to_owned();
    let o = check(&tree(
        "tfvars",
        &[("bad/main.tf", main), ("bad/terraform.tfvars", tfvars)],
    ));
    assert_contained(&o, "tfvars");
    // var.v0 is read from the file: "value-0" is not an instance type.
    assert!(o.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "EC2001" && d["message"].as_str().unwrap().contains("value-0")));

    let mut resources = Vec::new();
    for i in 0..50_000u32 {
        resources.push(serde_json::json!({
            "address": format!("aws_subnet.s[{i}]"), "mode": "managed", "type": "aws_subnet",
            "name": "s", "index": i,
            "values": { "cidr_block": format!("10.{}.{}.0/24", i / 256 % 256, i % 256), "vpc_id": "vpc-1" }
        }));
    }
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": resources } },
        "configuration": { "root_module": { "resources": [{
            "address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
            "expressions": { "vpc_id": { "constant_value": "vpc-1" } }
        }] } }
    });
    let o = check(&tree("plan-50k", &[("bad/plan.json", plan.to_string())]));
    assert_contained(&o, "plan-50k");
    assert!(o.json["summary"]["resources"].as_u64().unwrap() >= 50_000);
}
