//! `--download-modules`, end to end against servers this test starts on 127.0.0.1 (never a
//! real host): a module registry (service discovery, versions, `X-Terraform-Get`) serving
//! `.tar.gz` packages, a plain archive source with a `//subdir`, a module the registry does
//! not have and a constraint no version satisfies (each an error at its `source`, the rest
//! still checked), the cache used again, and git sources through `git daemon` when git is
//! installed. Without the flag nothing is fetched and the run says once, in every format,
//! that registry modules were not supplied.
//!
//! When a `terraform` binary is on the PATH (or `VPCLINT_TERRAFORM` names one), `terraform
//! get` is asked which version each constraint chooses from the same registry (a CLI
//! configuration `host` block points it at the test's server) and must choose as vpclint
//! does; without one that half says why it is skipped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[path = "support/common.rs"]
mod common;

fn skip(test: &str, reason: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "download_modules::{test} skipped: {reason}"
    );
}

/// A response: status, headers, body.
type Response = (u16, Vec<(String, String)>, Vec<u8>);

/// An HTTP/1.1 server on 127.0.0.1 answering GET and HEAD from a table of paths (404
/// otherwise), logging each request's path. Stops when dropped.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: impl Fn(u16) -> HashMap<String, Response>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes = Arc::new(routes(port));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (log, stop) = (log.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let (routes, log) = (routes.clone(), log.clone());
                        std::thread::spawn(move || serve(stream, &routes, &log));
                    }
                }
            })
        };
        Server {
            port,
            log,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: TcpStream, routes: &HashMap<String, Response>, log: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let mut first = text.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let path = first.next().unwrap_or("").to_owned();
    log.lock().unwrap().push(format!("{method} {path}"));
    let not_found = (404, Vec::new(), b"not found".to_vec());
    let (status, headers, body) = routes.get(&path).unwrap_or(&not_found);
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(body);
    }
}

/// A `.tar.gz` of `files` (path, content).
fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, content.as_bytes())
            .unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn json(body: &serde_json::Value) -> Response {
    (
        200,
        vec![("Content-Type".into(), "application/json".into())],
        body.to_string().into_bytes(),
    )
}

/// The versions the test registry has of every module it serves.
const VERSIONS: &[&str] = &["1.0.0", "1.2.0", "1.10.0", "2.0.0", "2.1.0-beta1"];

/// The registry's routes for module `acme/NAME/aws`: the versions list, a download
/// location per version (relative, as registries often answer), and the package.
fn registry_module(routes: &mut HashMap<String, Response>, name: &str, package: &[u8]) {
    let versions: Vec<serde_json::Value> = VERSIONS
        .iter()
        .map(|v| serde_json::json!({ "version": v }))
        .collect();
    routes.insert(
        format!("/v1/modules/acme/{name}/aws/versions"),
        json(&serde_json::json!({ "modules": [{ "versions": versions }] })),
    );
    for v in VERSIONS {
        routes.insert(
            format!("/v1/modules/acme/{name}/aws/{v}/download"),
            (
                204,
                vec![(
                    "X-Terraform-Get".into(),
                    format!("/packages/{name}-{v}.tar.gz"),
                )],
                Vec::new(),
            ),
        );
        routes.insert(
            format!("/packages/{name}-{v}.tar.gz"),
            (
                200,
                vec![("Content-Type".into(), "application/x-gzip".into())],
                package.to_vec(),
            ),
        );
    }
}

fn discovery(routes: &mut HashMap<String, Response>) {
    routes.insert(
        "/.well-known/terraform.json".into(),
        json(&serde_json::json!({ "modules.v1": "/v1/modules/" })),
    );
}

const NETWORK_TF: &str = r#"variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "this" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 0)
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "subnet_ids" {
  value = [aws_subnet.this.id]
}
"#;

/// A submodule that calls another directory of its package (`../sg`).
const ENDPOINTS_TF: &str = r#"variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

module "sg" {
  source = "../sg"
  vpc_id = var.vpc_id
}

resource "aws_vpc_endpoint" "kinesis" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.eu-west-1.kinesis-streams"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [module.sg.id]
  private_dns_enabled = true
}
"#;

const SG_TF: &str = r#"variable "vpc_id" {
  type = string
}

resource "aws_security_group" "this" {
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

output "id" {
  value = aws_security_group.this.id
}
"#;

/// A spoke VPC peered to the hub, with a Xen instance.
const SPOKE_TF: &str = r#"variable "hub_vpc_id" {
  type = string
}

variable "hub_cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = "172.16.0.0/16"
}

resource "aws_subnet" "this" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "172.16.0.0/24"
}

resource "aws_vpc_peering_connection" "to_hub" {
  vpc_id      = aws_vpc.this.id
  peer_vpc_id = var.hub_vpc_id
  auto_accept = true
}

resource "aws_route_table" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "this" {
  subnet_id      = aws_subnet.this.id
  route_table_id = aws_route_table.this.id
}

resource "aws_route" "to_hub" {
  route_table_id            = aws_route_table.this.id
  destination_cidr_block    = var.hub_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.to_hub.id
}

resource "aws_instance" "legacy" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m4.large"
  subnet_id     = aws_subnet.this.id
}
"#;

/// The root module: a hub from the registry (`~> 1.2`: 1.10.0), its endpoints submodule
/// (`//modules/endpoints`, exactly 1.10.0), a spoke from an archive (`//spoke`), a module
/// the registry does not have, and a constraint no version satisfies.
fn root_tf(port: u16) -> String {
    format!(
        r#"provider "aws" {{
  region = "eu-west-1"
}}

module "hub" {{
  source  = "127.0.0.1:{port}/acme/network/aws"
  version = "~> 1.2"
  cidr    = "10.0.0.0/16"
}}

module "endpoints" {{
  source     = "127.0.0.1:{port}/acme/network/aws//modules/endpoints"
  version    = "1.10.0"
  vpc_id     = module.hub.vpc_id
  subnet_ids = module.hub.subnet_ids
}}

module "spoke" {{
  source     = "http://127.0.0.1:{port}/archives/spoke.tar.gz//spoke"
  hub_vpc_id = module.hub.vpc_id
  hub_cidr   = "10.0.0.0/16"
}}

module "missing" {{
  source = "127.0.0.1:{port}/acme/missing/aws"
}}

module "too_new" {{
  source  = "127.0.0.1:{port}/acme/network/aws"
  version = ">= 3.0"
}}
"#
    )
}

fn registry() -> Server {
    Server::start(|_| {
        let mut routes = HashMap::new();
        discovery(&mut routes);
        let network = tar_gz(&[
            ("main.tf", NETWORK_TF),
            ("modules/endpoints/main.tf", ENDPOINTS_TF),
            ("modules/sg/main.tf", SG_TF),
        ]);
        registry_module(&mut routes, "network", &network);
        routes.insert(
            "/archives/spoke.tar.gz".into(),
            (200, Vec::new(), tar_gz(&[("spoke/main.tf", SPOKE_TF)])),
        );
        routes
    })
}

/// Runs `vpclint check ARGS DIR` with the cache under `cache`: (exit code, stdout, stderr).
fn vpclint(dir: &Path, cache: &Path, args: &[&str]) -> (i32, String, String) {
    vpclint_with(dir, cache, args, &[])
}

fn vpclint_with(
    dir: &Path,
    cache: &Path,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vpclint"));
    cmd.arg("check")
        .args(args)
        .arg(dir)
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (line, column) of the first occurrence of `needle` in `text`, 1-based.
fn position(text: &str, needle: &str) -> (u64, u64) {
    position_at(text, text.find(needle).unwrap())
}

/// (line, column) of a byte offset, 1-based (ASCII text).
fn position_at(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = at - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line as u64, column as u64)
}

#[test]
fn registry_and_archive_modules_are_fetched_when_asked_and_only_then() {
    let server = registry();
    let port = server.port;
    let root_text = root_tf(port);
    let dir = common::write_tree("download-registry", &[("root/main.tf", root_text.as_str())]);
    let root = dir.join("root");
    let cache = dir.join("cache");

    // Without the flag: nothing is fetched; one notice says what is missing and the fix.
    let (code, out, _) = vpclint(&root, &cache, &["--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let notices = report["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{out}");
    assert_eq!(notices[0]["code"], "modules-not-supplied");
    let message = notices[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "5 module calls (module.hub, module.endpoints, module.spoke, …) in 1 root module"
        ),
        "{message}"
    );
    assert!(message.contains("terraform get"), "{message}");
    assert_eq!(notices[0]["sites"].as_array().unwrap().len(), 5);
    let (line, column) = position(&root_text, "\"hub\"");
    assert_eq!(notices[0]["location"]["line"], line);
    assert_eq!(notices[0]["location"]["column"], column);
    assert!(report["unchecked"].as_array().unwrap().is_empty(), "{out}");
    assert!(
        !cache.exists(),
        "nothing is written to the cache without the flag"
    );

    // With it: the registry and archive modules are fetched and checked; the two that
    // cannot be fetched are errors at their `source`.
    let args = [
        "--format",
        "json",
        "--select",
        "VPC001",
        "--download-modules",
    ];
    let (code, out, stderr) = vpclint(&root, &cache, &args);
    assert_eq!(code, 1, "{out}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["notices"], serde_json::json!([]), "{out}");
    assert_eq!(
        common::rules_and_resources(&report),
        [(
            "VPC001".to_owned(),
            "module.spoke.aws_instance.legacy".to_owned()
        )],
        "{out}"
    );
    // Located at the call in the user's file (the module's code is in the cache).
    let finding = &report["diagnostics"][0];
    assert!(
        finding["file"].as_str().unwrap().ends_with("root/main.tf"),
        "{out}"
    );
    assert_eq!(
        finding["location"]["line"],
        position(&root_text, "\"spoke\"").0
    );
    let related: Vec<&str> = finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"].as_str().unwrap())
        .collect();
    assert!(
        related.contains(&"module.endpoints.aws_vpc_endpoint.kinesis"),
        "{related:?}"
    );
    let errors: Vec<(u64, u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["location"]["line"].as_u64().unwrap(),
                e["location"]["column"].as_u64().unwrap(),
                e["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let missing = position(
        &root_text,
        &format!("\"127.0.0.1:{port}/acme/missing/aws\""),
    );
    assert_eq!((errors[0].0, errors[0].1), missing, "{errors:?}");
    assert!(errors[0].2.contains("module.missing: source"), "{errors:?}");
    assert!(errors[0].2.contains("HTTP 404"), "{errors:?}");
    let too_new = root_text
        .rfind(&format!("\"127.0.0.1:{port}/acme/network/aws\""))
        .unwrap();
    assert_eq!(
        (errors[1].0, errors[1].1),
        position_at(&root_text, too_new),
        "{errors:?}"
    );
    assert!(
        errors[1]
            .2
            .contains("no version of acme/network/aws satisfies \">= 3.0\""),
        "{errors:?}"
    );
    // Nothing the rest could not check for want of those modules.
    assert!(report["unchecked"].as_array().unwrap().is_empty(), "{out}");
    // `~> 1.2` and `1.10.0` chose 1.10.0, one package for both calls, fetched once.
    let requests = server.requests();
    let count = |r: &str| requests.iter().filter(|q| *q == r).count();
    assert_eq!(
        count("GET /v1/modules/acme/network/aws/1.10.0/download"),
        1,
        "{requests:?}"
    );
    assert_eq!(
        count("GET /packages/network-1.10.0.tar.gz"),
        1,
        "{requests:?}"
    );
    assert_eq!(count("GET /archives/spoke.tar.gz"), 1, "{requests:?}");
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "{requests:?}"
    );
    // The cache, keyed by source and exact version, holds no executable file.
    let record = cache.join(format!(
        "vpclint/modules/registry/127.0.0.1_{port}/acme/network/aws/1.10.0/location"
    ));
    assert!(
        std::fs::read_to_string(&record)
            .unwrap()
            .ends_with("/packages/network-1.10.0.tar.gz"),
        "{}",
        record.display()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![cache.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                } else {
                    let mode = e.metadata().unwrap().permissions().mode();
                    assert_eq!(mode & 0o111, 0, "{} is executable", e.path().display());
                }
            }
        }
    }

    // Again: the same report; only the registry's version lists are asked again (as
    // Terraform does), no package is downloaded twice.
    server.clear();
    let (code2, out2, _) = vpclint(&root, &cache, &args);
    assert_eq!((code2, &out2), (code, &out));
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.ends_with("/versions") || r.ends_with("terraform.json")),
        "{requests:?}"
    );
}

#[test]
fn the_notice_is_said_once_in_every_format() {
    let dir = common::write_tree(
        "download-notice",
        &[(
            "main.tf",
            "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"~> 5.0\"\n}\n\nmodule \"tgw\" {\n  source = \"git::https://example.com/tgw.git?ref=v1\"\n}\n",
        )],
    );
    let cache = dir.join("cache");
    for format in [
        "text",
        "concise",
        "json",
        "json-lines",
        "sarif",
        "github",
        "lsp",
    ] {
        let (code, out, stderr) = vpclint(&dir, &cache, &["--format", format, "--color", "never"]);
        assert_eq!(code, 0, "{format}: {out}{stderr}");
        let said = out.matches("2 module calls (module.vpc, module.tgw) in 1 root module use registry, git or archive sources").count();
        assert_eq!(said, 1, "{format}:\n{out}");
        assert!(out.contains("terraform get"), "{format}:\n{out}");
    }
    // The one-line formats give it one line.
    let (_, out, _) = vpclint(&dir, &cache, &["--format", "concise"]);
    let line = out
        .lines()
        .find(|l| l.contains("modules-not-supplied"))
        .unwrap();
    assert!(
        line.contains("main.tf:1:8: modules-not-supplied info"),
        "{line}"
    );
    let (_, out, _) = vpclint(&dir, &cache, &["--format", "github"]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::notice file=") && l.contains("line=1,col=8")),
        "{out}"
    );
}

#[test]
fn git_sources_are_cloned_with_git_only() {
    let git_ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !git_ok {
        return skip("git_sources_are_cloned_with_git_only", "no git binary");
    }
    let dir = common::write_tree(
        "download-git",
        &[
            ("repo/main.tf", NETWORK_TF),
            ("repo/spoke/main.tf", SPOKE_TF),
            ("repo/modules/endpoints/main.tf", ENDPOINTS_TF),
            ("repo/modules/sg/main.tf", SG_TF),
        ],
    );
    let git = |cwd: &Path, args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let repo = dir.join("repo");
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "modules"]);
    git(&repo, &["tag", "v1.0.0"]);
    let commit = git(&repo, &["rev-parse", "HEAD"]);
    // A later commit that breaks the spoke: the tag and the commit id must not see it.
    std::fs::write(repo.join("spoke/main.tf"), "this is not HCL {").unwrap();
    git(&repo, &["commit", "--quiet", "-am", "later"]);
    let served = dir.join("served");
    std::fs::create_dir_all(&served).unwrap();
    git(
        &dir,
        &["clone", "--quiet", "--bare", "repo", "served/net.git"],
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // git-daemon itself, not `git daemon`: `git` runs it as a child and killing `git` would
    // leave the daemon running after the test.
    let exec_path = Command::new("git")
        .arg("--exec-path")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let Some(git_daemon) = exec_path
        .map(|dir| dir.join("git-daemon"))
        .filter(|p| p.is_file())
    else {
        return skip(
            "git_sources_are_cloned_with_git_only",
            "git-daemon is not in `git --exec-path`",
        );
    };
    let daemon = Command::new(git_daemon)
        .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", served.display()))
        .arg(&served)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut daemon) = daemon else {
        return skip(
            "git_sources_are_cloned_with_git_only",
            "git daemon does not start",
        );
    };
    let started = std::time::Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = daemon.kill();
            return skip(
                "git_sources_are_cloned_with_git_only",
                "git daemon does not listen",
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _daemon = Kill(daemon);
    let url = format!("git::git://127.0.0.1:{port}/net.git");
    let root_text = format!(
        r#"provider "aws" {{
  region = "eu-west-1"
}}

module "hub" {{
  source = "{url}?ref=v1.0.0"
  cidr   = "10.0.0.0/16"
}}

module "endpoints" {{
  source     = "{url}//modules/endpoints?ref={commit}"
  vpc_id     = module.hub.vpc_id
  subnet_ids = module.hub.subnet_ids
}}

module "spoke" {{
  source     = "{url}//spoke?ref=v1.0.0"
  hub_vpc_id = module.hub.vpc_id
  hub_cidr   = "10.0.0.0/16"
}}
"#
    );
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("main.tf"), &root_text).unwrap();
    let cache = dir.join("cache");
    let args = [
        "--format",
        "json",
        "--select",
        "VPC001",
        "--download-modules",
    ];
    let (code, out, stderr) = vpclint(&root, &cache, &args);
    assert_eq!(code, 1, "{out}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report["errors"].as_array().unwrap().is_empty(), "{out}");
    assert_eq!(
        common::rules_and_resources(&report),
        [(
            "VPC001".to_owned(),
            "module.spoke.aws_instance.legacy".to_owned()
        )],
        "{out}"
    );
    // No repository metadata is kept, and so no hook or configuration of it.
    let git_dirs = std::fs::read_dir(cache.join("vpclint/modules/git"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join(".git").exists())
        .count();
    assert_eq!(git_dirs, 0);

    // Without a git binary on the PATH: an error at each git source, nothing cloned.
    let empty = dir.join("no-git-path");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, out, _) = vpclint_with(
        &root,
        &dir.join("cache-no-git"),
        &args,
        &[("PATH", empty.as_os_str())],
    );
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(
        errors.iter().all(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("no git binary was found")),
        "{out}"
    );
}

/// A child process killed when dropped (the git daemon).
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn terraform() -> Option<PathBuf> {
    let candidate = std::env::var_os("VPCLINT_TERRAFORM")
        .map_or_else(|| PathBuf::from("terraform"), PathBuf::from);
    let ok = Command::new(&candidate)
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

/// Constraints and the version Terraform 1.11's `terraform get` chooses among
/// [`VERSIONS`] (`None`: none; it reports "Unresolvable module version constraint").
const CHOICES: &[(&str, Option<&str>)] = &[
    ("", Some("2.0.0")),
    ("~> 1.2", Some("1.10.0")),
    ("~> 1", Some("2.0.0")),
    ("~> 2.0", Some("2.0.0")),
    (">= 1.0, < 2.0", Some("1.10.0")),
    (">= 1.0, != 1.10.0, < 2.0", Some("1.2.0")),
    ("1.2", Some("1.2.0")),
    ("2.1.0-beta1", Some("2.1.0-beta1")),
    ("= 2.1.0-beta1", None),
    (">= 2.1.0-beta1", None),
    ("> 2.0.0", None),
];

#[test]
fn versions_are_chosen_as_terraform_chooses_them() {
    let server = Server::start(|_| {
        let mut routes = HashMap::new();
        discovery(&mut routes);
        let package = tar_gz(&[("main.tf", "output \"x\" {\n  value = 1\n}\n")]);
        for i in 0..CHOICES.len() {
            registry_module(&mut routes, &format!("c{i}"), &package);
        }
        routes
    });
    let port = server.port;
    let call = |i: usize, constraint: &str| {
        let version = if constraint.is_empty() {
            String::new()
        } else {
            format!("  version = \"{constraint}\"\n")
        };
        format!(
            "module \"c{i}\" {{\n  source  = \"127.0.0.1:{port}/acme/c{i}/aws\"\n{version}}}\n\n"
        )
    };
    // vpclint, all at once: the version it downloads of each, or an error.
    let text: String = CHOICES
        .iter()
        .enumerate()
        .map(|(i, (c, _))| call(i, c))
        .collect();
    let dir = common::write_tree("download-versions", &[("root/main.tf", text.as_str())]);
    let (_, out, stderr) = vpclint(
        &dir.join("root"),
        &dir.join("cache"),
        &["--format", "json", "--download-modules"],
    );
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{stderr}"));
    let requests = server.requests();
    for (i, (constraint, expected)) in CHOICES.iter().enumerate() {
        let prefix = format!("GET /v1/modules/acme/c{i}/aws/");
        let chosen = requests
            .iter()
            .filter_map(|r| r.strip_prefix(&prefix)?.strip_suffix("/download"))
            .collect::<Vec<_>>();
        assert_eq!(
            chosen,
            expected.iter().copied().collect::<Vec<_>>(),
            "\"{constraint}\""
        );
        let failed = report["errors"].as_array().unwrap().iter().any(|e| {
            e["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("module.c{i}:"))
        });
        assert_eq!(failed, expected.is_none(), "\"{constraint}\": {out}");
    }

    // Terraform itself, one constraint at a time (one that fails stops `terraform get`).
    let Some(terraform) = terraform() else {
        return skip(
            "versions_are_chosen_as_terraform_chooses_them (terraform half)",
            "no terraform binary on the PATH (set VPCLINT_TERRAFORM to one)",
        );
    };
    let config = dir.join("terraform.tfrc");
    std::fs::write(
        &config,
        format!("host \"127.0.0.1:{port}\" {{\n  services = {{\n    \"modules.v1\" = \"http://127.0.0.1:{port}/v1/modules/\"\n  }}\n}}\n"),
    )
    .unwrap();
    for (i, (constraint, expected)) in CHOICES.iter().enumerate() {
        let work = dir.join(format!("terraform-{i}"));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(work.join("main.tf"), call(i, constraint)).unwrap();
        let out = Command::new(&terraform)
            .args(["get", "-no-color"])
            .current_dir(&work)
            .env("TF_CLI_CONFIG_FILE", &config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let chosen = std::fs::read_to_string(work.join(".terraform/modules/modules.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|m| {
                m["Modules"]
                    .as_array()?
                    .iter()
                    .find(|e| e["Key"] == format!("c{i}"))?["Version"]
                    .as_str()
                    .map(str::to_owned)
            });
        assert_eq!(
            chosen.as_deref(),
            *expected,
            "terraform get with \"{constraint}\": {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
