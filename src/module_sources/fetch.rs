//! Fetching one module source into the cache (`--download-modules` only): the module
//! registry protocol (service discovery at `/.well-known/terraform.json`, the versions
//! list, the download location from `X-Terraform-Get` or a `location` in the body), HTTPS
//! archives, and git sources through a `git` binary (`clone --depth 1`, hooks and
//! templates off). Plain HTTP is used only for the loopback interface.
//!
//! The cache is `$XDG_CACHE_HOME/vpclint/modules` (else `~/.cache/vpclint/modules`), one
//! directory per source and exact version (registry), URL (archives) or URL and ref (git);
//! a complete entry is used again without the network. Nothing fetched is ever run.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::address::{self, Source};
use super::archive;
use super::version::{Constraints, Version};

/// Each request (connection, transfer) is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// At most this many bytes in one response.
const MAX_RESPONSE: u64 = 256 * 1024 * 1024;
/// `X-Terraform-Get` may point at another such URL, at most this many times.
const MAX_HOPS: usize = 5;
/// Written last into a cache entry: an entry without it is incomplete and fetched again.
pub(super) const COMPLETE: &str = ".vpclint-complete";

/// The cache directory: `$XDG_CACHE_HOME/vpclint/modules`, `~/.cache/vpclint/modules`, or
/// `%LOCALAPPDATA%\vpclint\modules`.
#[must_use]
pub fn default_cache() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))?;
    Some(base.join("vpclint").join("modules"))
}

pub struct Fetcher {
    cache: PathBuf,
    timeout: Duration,
    secure: ureq::Agent,
    loopback: ureq::Agent,
    /// The git binary, looked for on the first git source.
    git: std::cell::OnceCell<Option<PathBuf>>,
    /// Registry host → its modules API base URL (or why it has none).
    services: HashMap<String, Result<String, String>>,
    /// (source, version) → the fetched module directory (or why not).
    done: HashMap<(String, String), Result<PathBuf, String>>,
}

impl Fetcher {
    /// A fetcher into `cache`, each request bounded by [`TIMEOUT`].
    #[must_use]
    pub fn new(cache: PathBuf) -> Self {
        Self::with_timeout(cache, TIMEOUT)
    }

    /// A fetcher whose requests are bounded by `timeout` (a connection by a third of it).
    #[must_use]
    pub fn with_timeout(cache: PathBuf, timeout: Duration) -> Self {
        let agent = |loopback: bool| -> ureq::Agent {
            ureq::Agent::config_builder()
                .timeout_global(Some(timeout))
                .timeout_connect(Some(timeout / 3))
                .https_only(!loopback)
                // Loopback answers are not followed elsewhere, nor sent through a proxy.
                .max_redirects(if loopback { 0 } else { 10 })
                .proxy(if loopback {
                    None
                } else {
                    ureq::Proxy::try_from_env()
                })
                .http_status_as_error(false)
                .user_agent(format!("vpclint/{}", env!("CARGO_PKG_VERSION")))
                .build()
                .into()
        };
        Fetcher {
            cache,
            timeout,
            secure: agent(false),
            loopback: agent(true),
            git: std::cell::OnceCell::new(),
            services: HashMap::new(),
            done: HashMap::new(),
        }
    }

    /// The git binary on the PATH, if there is one (asked once, and only for a git source).
    fn git(&self) -> Option<PathBuf> {
        self.git
            .get_or_init(|| {
                let ok = Command::new("git")
                    .arg("--version")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                ok.then(|| PathBuf::from("git"))
            })
            .clone()
    }

    /// The directory of the module a source (with its `version` constraint) names,
    /// fetched into the cache unless it is there already.
    ///
    /// # Errors
    /// Why the module cannot be fetched (a message for the user).
    pub fn fetch(&mut self, source: &str, version: Option<&str>) -> Result<PathBuf, String> {
        let key = (source.to_owned(), version.unwrap_or_default().to_owned());
        if let Some(done) = self.done.get(&key) {
            return done.clone();
        }
        let result = self.fetch_source(&address::parse(source), version, 0);
        self.done.insert(key, result.clone());
        result
    }

    fn fetch_source(
        &mut self,
        source: &Source,
        version: Option<&str>,
        hops: usize,
    ) -> Result<PathBuf, String> {
        if hops > MAX_HOPS {
            return Err(format!(
                "more than {MAX_HOPS} redirections between download locations"
            ));
        }
        match source {
            Source::Unsupported(reason) => Err(reason.clone()),
            Source::Registry {
                host,
                namespace,
                name,
                provider,
                subdir,
            } => {
                let base = self.modules_api(host)?;
                let module = format!("{namespace}/{name}/{provider}");
                let constraints = Constraints::parse(version.unwrap_or_default())?;
                let chosen = self.choose(&base, &module, &constraints, version)?;
                // Where this exact version is, once asked: the package itself is cached by
                // that location (a subdirectory of it may be the module, and the module's
                // local calls may reach elsewhere in the package).
                let record = self
                    .cache
                    .join("registry")
                    .join(sanitize(&format!("{host}/{module}/{}", chosen.as_str())))
                    .join("location");
                let location = match std::fs::read_to_string(&record) {
                    Ok(location) if !location.is_empty() => location,
                    _ => {
                        let url = format!("{base}{module}/{}/download", chosen.as_str());
                        let (status, location, body) = self.get(&url)?;
                        let location = location
                            .or_else(|| json_field(&body, "location"))
                            .ok_or_else(|| {
                                format!(
                                    "the registry gave no download location for {module} {} (HTTP {status})",
                                    chosen.as_str()
                                )
                            })?;
                        let location = resolve_url(&url, &location);
                        write_record(&record, &location)?;
                        location
                    }
                };
                let dir = self.fetch_source(&address::parse(&location), None, hops + 1)?;
                within(&dir, subdir)
            }
            Source::Archive { url, kind, subdir } => {
                let entry = self.entry("archive", &[url]);
                if !is_complete(&entry, url) {
                    let (status, _, body) = self.get(url)?;
                    if !(200..300).contains(&status) {
                        return Err(format!("{url}: HTTP {status}"));
                    }
                    let tmp = fresh(&entry)?;
                    archive::unpack(*kind, &body, &tmp).map_err(|e| format!("{url}: {e}"))?;
                    finish(&tmp, &entry, url)?;
                }
                within(&entry, subdir)
            }
            Source::Redirect { url, subdir } => {
                let (status, location, _) = self.get(url)?;
                let location = location.ok_or_else(|| {
                    format!(
                        "{url} is not an archive (.zip, .tar.gz, .tgz, .tar) and gave no X-Terraform-Get header (HTTP {status})"
                    )
                })?;
                let inner = address::parse(&resolve_url(url, &location));
                let dir = self.fetch_source(&inner, None, hops + 1)?;
                within(&dir, subdir)
            }
            Source::Git {
                url,
                reference,
                subdir,
            } => {
                git_transport_allowed(url)?;
                let git = self.git().ok_or_else(|| {
                    format!(
                        "{url} is a git source, and no git binary was found on the PATH (vpclint fetches git sources only with git)"
                    )
                })?;
                let reference = reference.as_deref();
                let identity = format!("{url}?ref={}", reference.unwrap_or(""));
                let entry = self.entry("git", &[url, reference.unwrap_or("")]);
                if !is_complete(&entry, &identity) {
                    let tmp = fresh(&entry)?;
                    clone(&git, url, reference, &tmp, self.timeout)?;
                    // The repository's metadata is not the module.
                    let _ = std::fs::remove_dir_all(tmp.join(".git"));
                    finish(&tmp, &entry, &identity)?;
                }
                within(&entry, subdir)
            }
        }
    }

    /// The cache directory of a fetched package, by a hash of what names it (the name
    /// itself is kept in the entry and compared: see [`is_complete`]).
    fn entry(&self, kind: &str, parts: &[&str]) -> PathBuf {
        self.cache.join(kind).join(format!(
            "{:016x}",
            crate::diagnostic::stable_hash(parts.iter().copied())
        ))
    }

    /// The modules API base URL of a registry host (service discovery).
    fn modules_api(&mut self, host: &str) -> Result<String, String> {
        if let Some(known) = self.services.get(host) {
            return known.clone();
        }
        let scheme = if address::is_loopback(&format!("http://{host}/")) {
            "http"
        } else {
            "https"
        };
        let url = format!("{scheme}://{host}/.well-known/terraform.json");
        let result = self.get(&url).and_then(|(status, _, body)| {
            if status != 200 {
                return Err(format!(
                    "{url}: HTTP {status} (is {host} a module registry?)"
                ));
            }
            let base = json_field(&body, "modules.v1").ok_or_else(|| {
                format!(
                    "{host} does not offer the module registry protocol (no modules.v1 in {url})"
                )
            })?;
            let mut base = resolve_url(&url, &base);
            if !base.ends_with('/') {
                base.push('/');
            }
            Ok(base)
        });
        self.services.insert(host.to_owned(), result.clone());
        result
    }

    /// The newest version of a registry module that the constraints allow.
    fn choose(
        &self,
        base: &str,
        module: &str,
        constraints: &Constraints,
        written: Option<&str>,
    ) -> Result<Version, String> {
        let url = format!("{base}{module}/versions");
        let (status, _, body) = self.get(&url)?;
        if status != 200 {
            return Err(format!("{url}: HTTP {status} (no such module?)"));
        }
        let json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| format!("{url}: not the module versions list: {e}"))?;
        let available: Vec<Version> = json["modules"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|m| m["versions"].as_array().into_iter().flatten())
            .filter_map(|v| v["version"].as_str().and_then(Version::parse))
            .collect();
        constraints.newest(&available).cloned().ok_or_else(|| {
            format!(
                "no version of {module} satisfies \"{}\" (the registry has {})",
                written.unwrap_or(""),
                if available.is_empty() {
                    "none".to_owned()
                } else {
                    let mut all: Vec<&str> = available.iter().map(Version::as_str).collect();
                    all.sort_unstable();
                    all.join(", ")
                }
            )
        })
    }

    /// GET: (status, `X-Terraform-Get`, body).
    fn get(&self, url: &str) -> Result<(u16, Option<String>, Vec<u8>), String> {
        let agent = if address::is_loopback(url) {
            &self.loopback
        } else if url.starts_with("https://") {
            &self.secure
        } else {
            return Err(format!(
                "{url}: only https is used (plain http only on the loopback interface)"
            ));
        };
        let mut response = agent
            .get(url)
            .header("X-Terraform-Version", "vpclint")
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("x-terraform-get")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_RESPONSE + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("{url}: {e}"))?;
        if body.len() as u64 > MAX_RESPONSE {
            return Err(format!(
                "{url}: the response is larger than vpclint downloads"
            ));
        }
        Ok((status, location, body))
    }
}

/// A string field of a JSON object.
fn json_field(body: &[u8], field: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    json.get(field)?.as_str().map(str::to_owned)
}

/// `location` relative to `base` (absolute URLs, go-getter forms and `//host` are kept;
/// `/path` and `path` are resolved as a browser would).
fn resolve_url(base: &str, location: &str) -> String {
    if location.contains("://") || location.contains("::") || location.starts_with("git@") {
        return location.to_owned();
    }
    let Some(scheme_end) = base.find("://").map(|i| i + 3) else {
        return location.to_owned();
    };
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        return format!("{}{location}", &base[..host_end]);
    }
    let path = base.split('?').next().unwrap_or(base);
    let dir_end = path
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(path.len(), |i| i + 1);
    format!("{}{location}", &path[..dir_end])
}

/// A cache key as a relative path: `/`-separated parts kept, other characters made safe.
fn sanitize(key: &str) -> PathBuf {
    key.split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .collect()
}

/// Whether `entry` holds the complete package `identity` names (another name with the
/// same hash is fetched again, over it).
fn is_complete(entry: &Path, identity: &str) -> bool {
    std::fs::read_to_string(entry.join(COMPLETE)).is_ok_and(|s| s == identity)
}

/// A new, empty directory beside `entry` to fill before it becomes `entry`.
fn fresh(entry: &Path) -> Result<PathBuf, String> {
    let tmp = entry.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    Ok(tmp)
}

/// Marks `tmp` complete, naming what it holds, and moves it to `entry`.
fn finish(tmp: &Path, entry: &Path, identity: &str) -> Result<(), String> {
    std::fs::write(tmp.join(COMPLETE), identity).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let _ = std::fs::remove_dir_all(entry);
    std::fs::rename(tmp, entry).map_err(|e| format!("{}: {e}", entry.display()))
}

/// Writes a registry version's download location (through a temporary file, so that a
/// record is whole or absent).
fn write_record(record: &Path, location: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", record.display());
    if let Some(dir) = record.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = record.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, location).map_err(fail)?;
    std::fs::rename(&tmp, record).map_err(fail)
}

/// `subdir` of a fetched package, which must stay inside it.
fn within(package: &Path, subdir: &str) -> Result<PathBuf, String> {
    let mut out = package.to_path_buf();
    for part in subdir.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err(format!(
                "the subdirectory \"{subdir}\" leaves the module package"
            ));
        }
        out.push(part);
    }
    if out.is_dir() {
        Ok(out)
    } else {
        Err(format!(
            "the module package has no subdirectory \"{subdir}\""
        ))
    }
}

/// The transports vpclint lets git use: `https` and `ssh` (`git@host:path`, `ssh://`);
/// plain `http` and `git://` on the loopback interface only; never `file`, `ext` or others.
fn git_transport_allowed(url: &str) -> Result<(), String> {
    let loopback = |rest: &str| address::is_loopback(&format!("http://{rest}"));
    let ok = url.starts_with("https://")
        || url.starts_with("ssh://")
        || (url.starts_with("git@") && !url.contains("::"))
        || url.strip_prefix("http://").is_some_and(loopback)
        || url.strip_prefix("git://").is_some_and(loopback);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{url}: vpclint fetches git sources over https or ssh only (plain http and git:// only from the loopback interface)"
        ))
    }
}

/// A full commit id (SHA-1 or SHA-256), which `git clone --branch` cannot take.
fn is_commit_id(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `git clone --depth 1 [--branch REF] URL DIR`, or for a commit id `git init` and `git
/// fetch --depth 1 URL COMMIT`; hooks and templates off, no prompt for credentials, no
/// local-file or external transports, within `timeout` (the process is killed past it).
fn clone(
    git: &Path,
    url: &str,
    reference: Option<&str>,
    dir: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let run = |args: &[&std::ffi::OsStr]| -> Result<(), String> {
        let mut cmd = Command::new(git);
        cmd.args([
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "protocol.file.allow=never",
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "advice.detachedHead=false",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| format!("git: {e}"))?;
        let started = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if started.elapsed() > timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "git did not fetch {url} within {} seconds",
                        timeout.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(format!("git: {e}")),
            }
        }
        let out = child.wait_with_output().map_err(|e| format!("git: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "git could not fetch {url}{}: {}",
                reference.map(|r| format!(" (ref {r})")).unwrap_or_default(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    match reference {
        Some(commit) if is_commit_id(commit) => {
            run(&[
                os("init"),
                os("--quiet"),
                os("--template="),
                dir.as_os_str(),
            ])?;
            let git_dir = dir.join(".git");
            let work = [
                os("--git-dir"),
                git_dir.as_os_str(),
                os("--work-tree"),
                dir.as_os_str(),
            ];
            let mut fetch = work.to_vec();
            fetch.extend([
                os("fetch"),
                os("--quiet"),
                os("--depth"),
                os("1"),
                os("--"),
                std::ffi::OsStr::new(url),
                std::ffi::OsStr::new(commit),
            ]);
            run(&fetch)?;
            let mut checkout = work.to_vec();
            checkout.extend([os("checkout"), os("--quiet"), os("FETCH_HEAD")]);
            run(&checkout)
        }
        _ => {
            let mut args = vec![
                os("clone"),
                os("--quiet"),
                os("--depth"),
                os("1"),
                os("--template="),
            ];
            if let Some(r) = reference {
                args.extend([os("--branch"), std::ffi::OsStr::new(r)]);
            }
            args.extend([os("--"), std::ffi::OsStr::new(url), dir.as_os_str()]);
            run(&args)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_download_url() {
        let base = "https://registry.example/v1/modules/a/b/aws/1.0.0/download";
        assert_eq!(
            resolve_url(base, "/files/b.tgz"),
            "https://registry.example/files/b.tgz"
        );
        assert_eq!(
            resolve_url(base, "b.tgz"),
            "https://registry.example/v1/modules/a/b/aws/1.0.0/b.tgz"
        );
        assert_eq!(
            resolve_url(base, "git::https://example.com/x.git?ref=v1"),
            "git::https://example.com/x.git?ref=v1"
        );
        assert_eq!(
            resolve_url(base, "//cdn.example/x.zip"),
            "https://cdn.example/x.zip"
        );
    }

    #[test]
    fn a_server_that_does_not_answer_is_an_error_within_the_timeout() {
        // Accepts connections and never answers.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hold = std::thread::spawn(move || {
            let held: Vec<_> = listener.incoming().take(1).collect();
            std::thread::sleep(Duration::from_secs(3));
            drop(held);
        });
        let cache = std::env::temp_dir().join(format!("vpclint-timeout-{}", std::process::id()));
        let mut fetcher = Fetcher::with_timeout(cache.clone(), Duration::from_millis(600));
        let started = std::time::Instant::now();
        let e = fetcher
            .fetch(&format!("http://127.0.0.1:{port}/net.tar.gz"), None)
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(e.contains(&format!("127.0.0.1:{port}/net.tar.gz")), "{e}");
        assert!(
            e.to_lowercase().contains("timeout") || e.contains("timed out"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&cache);
        hold.join().unwrap();
    }

    #[test]
    fn git_transports_are_https_and_ssh_and_loopback_only() {
        for ok in [
            "https://github.com/acme/net.git",
            "ssh://git@example.com/acme/net.git",
            "git@github.com:acme/net.git",
            "git://127.0.0.1:9418/net.git",
            "http://localhost:8080/net.git",
        ] {
            assert!(git_transport_allowed(ok).is_ok(), "{ok}");
        }
        for refused in [
            "file:///home/user/repo",
            "/home/user/repo",
            "ext::sh -c touch% /tmp/x",
            "git://example.com/net.git",
            "http://example.com/net.git",
        ] {
            assert!(git_transport_allowed(refused).is_err(), "{refused}");
        }
        assert!(is_commit_id("aa61bc4346e1c430df8ec163ae9799d57df4af20"));
        assert!(!is_commit_id("v5.21.0"));
        assert!(!is_commit_id("aa61bc4"));
    }

    #[test]
    fn cache_keys_stay_below_the_cache() {
        assert_eq!(
            sanitize("registry.terraform.io/ns/../x y/1.0.0"),
            PathBuf::from("registry.terraform.io/ns/x_y/1.0.0")
        );
    }
}
