//! The static Linux binary the release and the container image ship, and the `Dockerfile`
//! around it, tested as far as this machine allows (it has no Docker engine):
//!
//! 1. `cargo build --release --target x86_64-unknown-linux-musl` succeeds, and the ELF has
//!    no interpreter and needs no shared library (static, runs in an empty image).
//! 2. The `Dockerfile`'s two final stages agree: entrypoint `/vpclint`, `CMD check .`,
//!    working directory `/src`.
//! 3. With buildah (`.ci/run` installs it from Debian), the `prebuilt` stage of the
//!    Dockerfile is built into a real OCI image from that binary (`FROM scratch`, so no
//!    registry is needed), its size is the binary's, and the image runs `vpclint check` on a
//!    mounted tree with its own working directory. Without buildah, the binary is run in an
//!    empty `chroot` instead (as root), or the step is skipped with the reason.
//!
//! The build is unoptimised (the tests check linking and packaging; the release profile
//! makes the same binary smaller: 7.5 MB stripped on `x86_64`) and kept in
//! `target/musl-build/`. Skipped, saying why, when the musl target or `musl-gcc` (for
//! `ring`) is not installed
//! (`rustup target add x86_64-unknown-linux-musl`; `.ci/run` does it).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-musl";

fn note(message: &str) {
    let _ = writeln!(std::io::stderr(), "static_binary: {message}");
}

fn musl_installed() -> Result<(), String> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return Err("the static build is tested on x86_64 Linux".to_owned());
    }
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_owned();
    let std = Path::new(&sysroot).join("lib/rustlib").join(TARGET);
    if !std.is_dir() {
        return Err(format!(
            "the {TARGET} target is not installed (rustup target add {TARGET})"
        ));
    }
    // `ring` (the TLS of --download-modules) compiles C for the target: musl-gcc, as the
    // release workflow installs it.
    let musl_gcc = Command::new("musl-gcc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if musl_gcc {
        Ok(())
    } else {
        Err("no musl C compiler for ring (apt-get install musl-tools; .ci/run does it)".to_owned())
    }
}

fn build() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = root.join("target/musl-build");
    let out = Command::new(env!("CARGO"))
        .args(["build", "--release", "--locked", "--target", TARGET])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the static build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir.join(TARGET).join("release/vpclint")
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], at: usize) -> usize {
    usize::try_from(u64::from_le_bytes(b[at..at + 8].try_into().unwrap())).unwrap()
}

/// Whether a little-endian ELF64 file has an interpreter (`PT_INTERP`), and how many shared
/// libraries its dynamic section needs (`DT_NEEDED`).
fn elf_linking(bytes: &[u8]) -> (bool, usize) {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(bytes[4], 2, "not ELF64");
    let (phoff, phentsize, phnum) = (
        u64_at(bytes, 0x20),
        u16_at(bytes, 0x36),
        u16_at(bytes, 0x38),
    );
    let mut interpreter = false;
    let mut needed = 0;
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        match u32_at(bytes, ph) {
            3 => interpreter = true, // PT_INTERP
            2 => {
                // PT_DYNAMIC: (tag, value) pairs of 16 bytes, DT_NEEDED = 1, DT_NULL ends.
                let (offset, size) = (u64_at(bytes, ph + 8), u64_at(bytes, ph + 32));
                for entry in bytes[offset..offset + size].chunks_exact(16) {
                    match u64_at(entry, 0) {
                        0 => break,
                        1 => needed += 1,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    (interpreter, needed)
}

/// `(entrypoint, cmd, workdir)` of each final stage (`FROM scratch`) of the Dockerfile.
fn dockerfile_stages() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string("Dockerfile").unwrap();
    let mut stages = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(from) = line.strip_prefix("FROM ") {
            stages.extend(current.take());
            if from.starts_with("scratch") {
                current = Some(Default::default());
            }
        } else if let Some(stage) = current.as_mut() {
            if let Some(v) = line.strip_prefix("ENTRYPOINT ") {
                v.clone_into(&mut stage.0);
            } else if let Some(v) = line.strip_prefix("CMD ") {
                v.clone_into(&mut stage.1);
            } else if let Some(v) = line.strip_prefix("WORKDIR ") {
                v.clone_into(&mut stage.2);
            }
        }
    }
    stages.extend(current);
    stages
}

fn seed_copy(into: &Path) {
    for sub in ["terraform", "cloudformation"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/seed")
            .join(sub);
        std::fs::create_dir_all(into.join(sub)).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), into.join(sub).join(entry.file_name())).unwrap();
        }
    }
}

fn assert_finds_the_seed(code: Option<i32>, stdout: &str, stderr: &str) {
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "terraform/compute.tf:16:19: VPC001 warning aws_instance.legacy (m4.large, Xen)"
        ),
        "{stdout}{stderr}"
    );
}

#[test]
fn the_static_binary_builds_and_runs_as_the_image_runs_it() {
    if let Err(reason) = musl_installed() {
        return note(&format!("skipped: {reason}"));
    }
    let stages = dockerfile_stages();
    assert_eq!(stages.len(), 2, "the prebuilt and the from-source stages");
    for stage in &stages {
        assert_eq!(
            stage,
            &(
                "[\"/vpclint\"]".to_owned(),
                "[\"check\", \".\"]".to_owned(),
                "/src".to_owned()
            )
        );
    }

    let binary = build();
    let bytes = std::fs::read(&binary).unwrap();
    assert_eq!(
        elf_linking(&bytes),
        (false, 0),
        "not static: it has an interpreter or needs shared libraries"
    );
    note(&format!(
        "static binary (unoptimised, stripped): {:.1} MB",
        megabytes(bytes.len())
    ));

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("static-image");
    let _ = std::fs::remove_dir_all(&work);
    let src = work.join("src");
    seed_copy(&src);
    if let Some(reason) = run_with_buildah(&work, &binary, &src, bytes.len()) {
        note(&format!(
            "buildah: {reason}; running in an empty chroot instead"
        ));
        run_in_chroot(&work, &binary);
    }
}

/// Bytes in (decimal) megabytes, as buildah shows sizes.
fn megabytes(bytes: usize) -> f64 {
    f64::from(u32::try_from(bytes / 1000).unwrap_or(u32::MAX)) / 1000.0
}

fn buildah(storage: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("buildah")
        .arg("--storage-driver")
        .arg("vfs")
        .arg("--root")
        .arg(storage.join("root"))
        .arg("--runroot")
        .arg(storage.join("run"))
        .args(args)
        .output()
}

/// Builds the image of the `prebuilt` stage and runs it; `Some(reason)` when buildah
/// cannot be used here.
fn run_with_buildah(work: &Path, binary: &Path, src: &Path, binary_size: usize) -> Option<String> {
    if Command::new("buildah").arg("--version").output().is_err() {
        return Some("not installed".to_owned());
    }
    let context = work.join("context");
    std::fs::create_dir_all(context.join("dist/linux-amd64")).unwrap();
    std::fs::copy("Dockerfile", context.join("Dockerfile")).unwrap();
    std::fs::copy(binary, context.join("dist/linux-amd64/vpclint")).unwrap();
    let storage = work.join("storage");
    let ctx = context.to_str().unwrap();
    let built = buildah(
        &storage,
        &[
            "bud",
            "--isolation",
            "chroot",
            "--target",
            "prebuilt",
            "--platform",
            "linux/amd64",
            "--tag",
            "vpclint-test",
            ctx,
        ],
    )
    .unwrap();
    if !built.status.success() {
        let stderr = String::from_utf8_lossy(&built.stderr);
        // As root (this project's CI) buildah works here; rootless, it needs user
        // namespaces that a sandbox may not have: say so rather than fail.
        if !is_root() || stderr.contains("not permitted") {
            return Some(format!("cannot build here: {}", stderr.trim()));
        }
        panic!("buildah bud failed: {stderr}");
    }
    let inspect = buildah(
        &storage,
        &[
            "inspect",
            "--format",
            "{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Cmd}} {{.OCIv1.Config.WorkingDir}}",
            "vpclint-test",
        ],
    )
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&inspect.stdout).trim(),
        "[/vpclint] [check .] /src"
    );
    let images = buildah(
        &storage,
        &["images", "--format", "{{.Size}}", "vpclint-test"],
    )
    .unwrap();
    let size = String::from_utf8_lossy(&images.stdout).trim().to_owned();
    let image_mb: f64 = size
        .strip_suffix(" MB")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("image size {size:?}"));
    // FROM scratch: the image is the binary (and a few hundred bytes of metadata).
    let binary_mb = megabytes(binary_size);
    assert!(
        (image_mb - binary_mb).abs() < 0.6,
        "image {image_mb} MB for a binary of {binary_mb} MB"
    );
    note(&format!("image built with buildah: {size}"));
    let container = buildah(&storage, &["from", "vpclint-test"]).unwrap();
    let container = String::from_utf8_lossy(&container.stdout).trim().to_owned();
    let volume = format!("{}:/src", src.display());
    let run = buildah(
        &storage,
        &[
            "run",
            "--isolation",
            "chroot",
            "-v",
            &volume,
            &container,
            "--",
            "/vpclint",
            "check",
            ".",
        ],
    )
    .unwrap();
    let _ = buildah(&storage, &["rm", &container]);
    assert_finds_the_seed(
        run.status.code(),
        &String::from_utf8_lossy(&run.stdout),
        &String::from_utf8_lossy(&run.stderr),
    );
    None
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The binary alone in an empty root directory, as in a scratch image.
fn run_in_chroot(work: &Path, binary: &Path) {
    let root = work.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(binary, root.join("vpclint")).unwrap();
    seed_copy(&root.join("src"));
    let out = match Command::new("chroot")
        .arg(&root)
        .args(["/vpclint", "check", "/src"])
        .output()
    {
        Ok(out) if out.status.code() != Some(125) => out,
        Ok(out) => {
            return note(&format!(
                "chroot skipped: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
        Err(e) => return note(&format!("chroot skipped: {e}")),
    };
    assert_finds_the_seed(
        out.status.code(),
        &String::from_utf8_lossy(&out.stdout),
        &String::from_utf8_lossy(&out.stderr),
    );
}
