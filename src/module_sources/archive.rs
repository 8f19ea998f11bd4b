//! Unpacking a downloaded module archive (`tar.gz`, `tar`, `zip`) into a directory, safely:
//! only regular files and directories are created (links, devices and the like are
//! skipped), never with execute permission; an entry whose path is absolute or climbs out
//! with `..` is refused; sizes are bounded. Nothing unpacked is ever run.
//!
//! Zip is read here (the central directory, stored and deflated entries) rather than with
//! a zip crate: the crate brings a dozen dependencies for formats modules do not use.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::address::ArchiveKind;

/// At most this many bytes unpacked from one archive, and this many entries.
const MAX_BYTES: u64 = 256 * 1024 * 1024;
const MAX_ENTRIES: usize = 50_000;

/// Unpacks `bytes` into `dir` (which exists).
///
/// # Errors
/// A malformed archive, an entry that escapes `dir`, an archive over the size bounds, or a
/// file that cannot be written.
pub fn unpack(kind: ArchiveKind, bytes: &[u8], dir: &Path) -> Result<(), String> {
    let mut budget = Budget::default();
    match kind {
        ArchiveKind::TarGz => tar(flate2::read::GzDecoder::new(bytes), dir, &mut budget),
        ArchiveKind::Tar => tar(bytes, dir, &mut budget),
        ArchiveKind::Zip => zip(bytes, dir, &mut budget),
    }
}

#[derive(Default)]
struct Budget {
    bytes: u64,
    entries: usize,
}

impl Budget {
    fn take(&mut self, size: u64) -> Result<(), String> {
        self.entries += 1;
        self.bytes = self.bytes.saturating_add(size);
        if self.entries > MAX_ENTRIES || self.bytes > MAX_BYTES {
            return Err(format!(
                "the archive is larger than vpclint unpacks ({MAX_ENTRIES} entries, {} MiB)",
                MAX_BYTES / 1024 / 1024
            ));
        }
        Ok(())
    }
}

/// The entry's path under `dir`, if it stays inside it.
fn inside(dir: &Path, name: &Path) -> Result<Option<PathBuf>, String> {
    let mut out = dir.to_path_buf();
    let mut any = false;
    for c in name.components() {
        match c {
            Component::Normal(part) => {
                out.push(part);
                any = true;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "the archive entry {} would be written outside the module's directory",
                    name.display()
                ))
            }
        }
    }
    Ok(any.then_some(out))
}

fn write_file(path: &Path, content: &mut dyn Read, budget: &mut Budget) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let mut data = Vec::new();
    content
        .take(MAX_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("the archive cannot be read: {e}"))?;
    budget.take(data.len() as u64)?;
    std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

fn tar(reader: impl Read, dir: &Path, budget: &mut Budget) -> Result<(), String> {
    let mut archive = ::tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format!("the archive cannot be read: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("the archive cannot be read: {e}"))?;
        let kind = entry.header().entry_type();
        let name = entry
            .path()
            .map_err(|e| format!("an archive entry has a bad name: {e}"))?
            .into_owned();
        let Some(path) = inside(dir, &name)? else {
            continue;
        };
        if kind.is_dir() {
            budget.take(0)?;
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        } else if kind.is_file() {
            write_file(&path, &mut entry, budget)?;
        }
        // Links, devices, FIFOs: not created.
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn zip(bytes: &[u8], dir: &Path, budget: &mut Budget) -> Result<(), String> {
    let bad = || "the zip archive is malformed".to_owned();
    // The end of central directory record: the last `PK\x05\x06` (a comment may follow).
    let eocd = (0..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(bad)?;
    let count = u16_at(bytes, eocd + 10).ok_or_else(bad)?;
    let mut at = u32_at(bytes, eocd + 16).ok_or_else(bad)? as usize;
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err("zip64 archives are not supported".to_owned());
    }
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err(bad());
        }
        let method = u16_at(bytes, at + 10).ok_or_else(bad)?;
        let compressed = u32_at(bytes, at + 20).ok_or_else(bad)? as usize;
        let size = u64::from(u32_at(bytes, at + 24).ok_or_else(bad)?);
        let name_len = u16_at(bytes, at + 28).ok_or_else(bad)?;
        let extra_len = u16_at(bytes, at + 30).ok_or_else(bad)?;
        let comment_len = u16_at(bytes, at + 32).ok_or_else(bad)?;
        let mode = u32_at(bytes, at + 38).ok_or_else(bad)? >> 16;
        let local = u32_at(bytes, at + 42).ok_or_else(bad)? as usize;
        let name = bytes.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let name = String::from_utf8_lossy(name).replace('\\', "/");
        at += 46 + name_len + extra_len + comment_len;
        let Some(path) = inside(dir, Path::new(&name))? else {
            continue;
        };
        // A Unix symbolic link (or anything but a file or directory): not created.
        let file_type = mode & 0o170_000;
        if file_type != 0 && file_type != 0o100_000 && file_type != 0o040_000 {
            continue;
        }
        if name.ends_with('/') || file_type == 0o040_000 {
            budget.take(0)?;
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            continue;
        }
        if !bytes
            .get(local..)
            .is_some_and(|b| b.starts_with(b"PK\x03\x04"))
        {
            return Err(bad());
        }
        let data_at = local
            + 30
            + u16_at(bytes, local + 26).ok_or_else(bad)?
            + u16_at(bytes, local + 28).ok_or_else(bad)?;
        let data = bytes.get(data_at..data_at + compressed).ok_or_else(bad)?;
        match method {
            0 => write_file(&path, &mut &data[..], budget)?,
            8 => write_file(
                &path,
                &mut flate2::read::DeflateDecoder::new(data).take(size),
                budget,
            )?,
            other => {
                return Err(format!(
                    "the zip entry {name} uses compression method {other} (only stored and deflated entries are supported)"
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("vpclint-archive-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn tar_gz(entries: &[(&str, &[u8], ::tar::EntryType)]) -> Vec<u8> {
        let mut builder = ::tar::Builder::new(Vec::new());
        for (name, data, kind) in entries {
            let mut header = ::tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(data.len() as u64);
            header.set_mode(0o755);
            if *kind == ::tar::EntryType::Symlink {
                header.set_link_name("/etc/passwd").unwrap();
            }
            // Names written raw, so that `..` reaches the header as an attacker writes it.
            let bytes = name.as_bytes();
            header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            header.set_cksum();
            builder.append(&header, *data).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn tar_gz_unpacks_files_and_skips_links() {
        let dir = scratch("ok");
        let bytes = tar_gz(&[
            (
                "net/main.tf",
                b"resource \"aws_vpc\" \"a\" {}\n",
                ::tar::EntryType::Regular,
            ),
            ("net/link", b"", ::tar::EntryType::Symlink),
        ]);
        unpack(ArchiveKind::TarGz, &bytes, &dir).unwrap();
        assert!(dir.join("net/main.tf").is_file());
        assert!(!dir.join("net/link").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("net/main.tf"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o111, 0, "never executable");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn entries_that_escape_are_refused() {
        let dir = scratch("escape");
        let bytes = tar_gz(&[("../evil.tf", b"x", ::tar::EntryType::Regular)]);
        let e = unpack(ArchiveKind::TarGz, &bytes, &dir).unwrap_err();
        assert!(e.contains("outside the module's directory"), "{e}");
        assert!(!dir.parent().unwrap().join("evil.tf").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A zip with one stored and one deflated file, written by hand.
    fn zip_bytes() -> Vec<u8> {
        let files: [(&str, &[u8], u16); 2] = [
            ("a/main.tf", b"variable \"x\" {}\n", 0),
            ("a/b.tf", b"locals { y = 1 }\n", 8),
        ];
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, content, method) in files {
            let data = if method == 8 {
                let mut e =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut e, content).unwrap();
                e.finish().unwrap()
            } else {
                content.to_vec()
            };
            let offset = u32::try_from(out.len()).unwrap();
            let n = u16::try_from(name.len()).unwrap();
            let csize = u32::try_from(data.len()).unwrap();
            let size = u32::try_from(content.len()).unwrap();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 8]);
            out.extend_from_slice(&csize.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 3, 20, 0, 0, 0]);
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&csize.to_le_bytes());
            central.extend_from_slice(&size.to_le_bytes());
            central.extend_from_slice(&n.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let at = u32::try_from(out.len()).unwrap();
        let len = u32::try_from(central.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn zip_unpacks_stored_and_deflated_files() {
        let dir = scratch("zip");
        unpack(ArchiveKind::Zip, &zip_bytes(), &dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("a/main.tf")).unwrap(),
            "variable \"x\" {}\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("a/b.tf")).unwrap(),
            "locals { y = 1 }\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
