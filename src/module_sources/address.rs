//! Module source addresses, as Terraform reads them: registry addresses
//! (`[host/]namespace/name/provider[//subdir]`), and the go-getter forms vpclint can fetch:
//! `https://` archives (`.tar.gz`, `.tgz`, `.tar`, `.zip`, or `?archive=`), git
//! (`git::URL`, `github.com/org/repo`, `git@host:org/repo.git`), each with an optional
//! `//subdir` and, for git, `?ref=`. Pure: no IO.

/// The public registry, where a registry address without a host lives.
pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Registry {
        host: String,
        namespace: String,
        name: String,
        provider: String,
        subdir: String,
    },
    /// An archive over HTTPS (HTTP on the loopback interface only).
    Archive {
        url: String,
        kind: ArchiveKind,
        subdir: String,
    },
    /// A URL whose response names the real source (`X-Terraform-Get`).
    Redirect { url: String, subdir: String },
    Git {
        url: String,
        reference: Option<String>,
        subdir: String,
    },
    /// A source vpclint does not fetch, and why.
    Unsupported(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    TarGz,
    Tar,
    Zip,
}

/// Splits `source//subdir?query` into (`source?query`, `subdir`), as go-getter does: the
/// first `//` that is not the `://` of a scheme.
pub fn split_subdir(source: &str) -> (String, String) {
    let scheme_end = source.find("://").map_or(0, |i| i + 3);
    // `git::` prefixes are before the scheme.
    let Some(at) = source[scheme_end..].find("//").map(|i| i + scheme_end) else {
        return (source.to_owned(), String::new());
    };
    let (head, rest) = source.split_at(at);
    let rest = &rest[2..];
    let (subdir, query) = match rest.split_once('?') {
        Some((d, q)) => (d, format!("?{q}")),
        None => (rest, String::new()),
    };
    (
        format!("{head}{query}"),
        subdir.trim_matches('/').to_owned(),
    )
}

/// Whether an URL's host is the loopback interface (where plain HTTP is accepted: nothing
/// leaves the machine).
pub fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads a module source address (a non-local one).
pub fn parse(source: &str) -> Source {
    let source = source.trim();
    if let Some(rest) = source.strip_prefix("git::") {
        return git(rest);
    }
    if let Some((forced, _)) = source.split_once("::") {
        if !forced.contains('/') {
            return Source::Unsupported(format!(
                "\"{forced}::\" sources are not fetched by vpclint (only registry, https archive and git sources are)"
            ));
        }
    }
    for host in ["github.com/", "bitbucket.org/"] {
        if let Some(rest) = source.strip_prefix(host) {
            return match git(&format!("https://{host}{rest}")) {
                Source::Git {
                    url,
                    reference,
                    subdir,
                } if !has_suffix(&url, ".git") => Source::Git {
                    url: format!("{url}.git"),
                    reference,
                    subdir,
                },
                other => other,
            };
        }
    }
    if source.starts_with("git@") {
        return git(source);
    }
    if source.starts_with("https://") || (source.starts_with("http://") && is_loopback(source)) {
        return http(source);
    }
    if source.starts_with("http://") {
        return Source::Unsupported(
            "plain http sources are not fetched (nothing checks what arrives): use https"
                .to_owned(),
        );
    }
    registry(source).unwrap_or_else(|| {
        Source::Unsupported(format!(
            "\"{source}\" is not a registry address, an https archive or a git source"
        ))
    })
}

/// Whether a URL path ends with `suffix`, in any case (`.ZIP` is a zip).
fn has_suffix(path: &str, suffix: &str) -> bool {
    path.len() >= suffix.len()
        && path.is_char_boundary(path.len() - suffix.len())
        && path[path.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn git(rest: &str) -> Source {
    let (url, subdir) = split_subdir(rest);
    let (url, reference) = match url.split_once('?') {
        Some((u, query)) => {
            let reference = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("ref="))
                .map(str::to_owned);
            let others: Vec<&str> = query
                .split('&')
                .filter(|kv| !kv.starts_with("ref=") && !kv.is_empty())
                .collect();
            if !others.is_empty() {
                return Source::Unsupported(format!(
                    "git source options other than ref= are not supported ({})",
                    others.join("&")
                ));
            }
            (u.to_owned(), reference)
        }
        None => (url, None),
    };
    Source::Git {
        url,
        reference,
        subdir,
    }
}

fn http(source: &str) -> Source {
    let (url, subdir) = split_subdir(source);
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let forced = query.split('&').find_map(|kv| kv.strip_prefix("archive="));
    let path = base.to_ascii_lowercase();
    let kind = match forced {
        Some("zip") => Some(ArchiveKind::Zip),
        Some("tar.gz" | "tgz") => Some(ArchiveKind::TarGz),
        Some("tar") => Some(ArchiveKind::Tar),
        Some(other) => {
            return Source::Unsupported(format!("archive type \"{other}\" is not supported"))
        }
        None if has_suffix(&path, ".zip") => Some(ArchiveKind::Zip),
        None if has_suffix(&path, ".tar.gz") || has_suffix(&path, ".tgz") => {
            Some(ArchiveKind::TarGz)
        }
        None if has_suffix(&path, ".tar") => Some(ArchiveKind::Tar),
        None if [".tar.bz2", ".tbz2", ".tar.xz", ".txz"]
            .iter()
            .any(|e| has_suffix(&path, e)) =>
        {
            return Source::Unsupported(
                "bzip2 and xz archives are not supported (tar.gz, tar and zip are)".to_owned(),
            )
        }
        None => None,
    };
    // `archive=` is go-getter's, not the server's.
    let url = if forced.is_some() {
        let rest: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.starts_with("archive=") && !kv.is_empty())
            .collect();
        if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", rest.join("&"))
        }
    } else {
        url.clone()
    };
    match kind {
        Some(kind) => Source::Archive { url, kind, subdir },
        None => Source::Redirect { url, subdir },
    }
}

/// `[host/]namespace/name/provider[//subdir]`.
fn registry(source: &str) -> Option<Source> {
    let (address, subdir) = split_subdir(source);
    if address.contains('?') {
        return None;
    }
    let parts: Vec<&str> = address.split('/').collect();
    let (host, rest) = match parts.as_slice() {
        [host, ns, name, provider] if host.contains(['.', ':']) => {
            (host.to_ascii_lowercase(), [*ns, *name, *provider])
        }
        [ns, name, provider] => (DEFAULT_REGISTRY.to_owned(), [*ns, *name, *provider]),
        _ => return None,
    };
    // Terraform refuses these hosts as registries: they are go-getter shorthands.
    if host == "github.com" || host == "bitbucket.org" {
        return None;
    }
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !rest.iter().all(|s| valid(s)) {
        return None;
    }
    Some(Source::Registry {
        host,
        namespace: rest[0].to_owned(),
        name: rest[1].to_owned(),
        provider: rest[2].to_ascii_lowercase(),
        subdir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_addresses() {
        assert_eq!(
            parse("terraform-aws-modules/vpc/aws//modules/vpc-endpoints"),
            Source::Registry {
                host: DEFAULT_REGISTRY.into(),
                namespace: "terraform-aws-modules".into(),
                name: "vpc".into(),
                provider: "aws".into(),
                subdir: "modules/vpc-endpoints".into(),
            }
        );
        assert!(matches!(
            parse("127.0.0.1:8080/acme/net/aws"),
            Source::Registry { ref host, .. } if host == "127.0.0.1:8080"
        ));
        assert!(matches!(parse("github.com/acme/net"), Source::Git { .. }));
    }

    #[test]
    fn go_getter_forms() {
        assert_eq!(
            parse("git::https://example.com/net.git//modules/vpc?ref=v1.2.0"),
            Source::Git {
                url: "https://example.com/net.git".into(),
                reference: Some("v1.2.0".into()),
                subdir: "modules/vpc".into(),
            }
        );
        assert_eq!(
            parse("github.com/acme/net//sub?ref=v2"),
            Source::Git {
                url: "https://github.com/acme/net.git".into(),
                reference: Some("v2".into()),
                subdir: "sub".into(),
            }
        );
        assert_eq!(
            parse("https://example.com/files/net.zip//vpc"),
            Source::Archive {
                url: "https://example.com/files/net.zip".into(),
                kind: ArchiveKind::Zip,
                subdir: "vpc".into(),
            }
        );
        assert_eq!(
            parse("https://example.com/get?archive=tar.gz&token=1"),
            Source::Archive {
                url: "https://example.com/get?token=1".into(),
                kind: ArchiveKind::TarGz,
                subdir: String::new(),
            }
        );
        assert!(matches!(
            parse("http://example.com/net.zip"),
            Source::Unsupported(_)
        ));
        assert!(matches!(
            parse("http://127.0.0.1:9/net.zip"),
            Source::Archive { .. }
        ));
        assert!(matches!(
            parse("s3::https://b.s3.amazonaws.com/x.zip"),
            Source::Unsupported(_)
        ));
        assert!(matches!(
            parse("https://example.com/modules/net"),
            Source::Redirect { .. }
        ));
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8080/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:80/x"));
        assert!(!is_loopback("http://127.example.com/x"));
        assert!(!is_loopback("http://example.com/x"));
        assert!(!is_loopback("https://127.0.0.1/x"));
    }
}
