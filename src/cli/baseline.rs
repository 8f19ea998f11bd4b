//! Reading and writing baseline files for `vpclint check --baseline` and `--write-baseline`
//! (the format and the matching are `crate::check::baseline`'s).

use std::path::{Path, PathBuf};

use crate::check::baseline::{self, Baseline};
use crate::check::Report;
use crate::discover;

/// A baseline to apply: the file as named, and what it holds.
pub struct Loaded {
    pub path: PathBuf,
    pub baseline: Baseline,
}

/// Reads and parses a baseline file.
///
/// # Errors
/// The message for the user: the file is missing, unreadable or not a baseline.
pub fn read(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{}: no such baseline file (create it with --write-baseline {})",
                path.display(),
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    let baseline = baseline::parse(&text)
        .map_err(|e| format!("{}: not a vpclint baseline: {e}", path.display()))?;
    Ok(Loaded {
        path: path.to_path_buf(),
        baseline,
    })
}

/// How a finding's file is recorded in a baseline at `path`: relative to the baseline's
/// directory.
pub fn file_key(path: &Path) -> impl Fn(&Path) -> String {
    let dir = discover::absolute(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    move |file: &Path| baseline::relative_key(&discover::absolute(file), &dir)
}

/// Records the report's findings in a new baseline file at `path` (replacing it).
///
/// # Errors
/// The message for the user when the file cannot be written.
pub fn write(path: &Path, report: &Report) -> Result<Loaded, String> {
    let recorded = baseline::record(report, &file_key(path));
    let text = baseline::render(&recorded);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Read back what was written, so that entries know their lines.
    let baseline = baseline::parse(&text).expect("a written baseline parses");
    Ok(Loaded {
        path: path.to_path_buf(),
        baseline,
    })
}

/// Applies a loaded baseline to the report.
pub fn apply(report: &mut Report, loaded: &Loaded) {
    baseline::apply(
        report,
        &loaded.baseline,
        &loaded.path,
        &file_key(&loaded.path),
    );
}
