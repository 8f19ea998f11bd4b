//! `vpclint check`: the configuration (`.vpclint.toml`, merged under the flags), discovery,
//! diff-aware runs, the check, the output and the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::cloudformation::CloudFormationArgs;
use super::terraform::TerraformArgs;
use crate::check::{self, Options};
pub use crate::config::FailOn;
use crate::config::{self, Config};
use crate::discover;
use crate::emit;
use crate::lower::LowerOptions;
use crate::rules::AccessModel;

// Command-line switches are booleans by nature.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked, honouring .gitignore). Given
    /// only files, the whole repository is checked and findings touching them are reported
    /// (see --only-files).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format [default: text on a terminal, concise otherwise].
    #[arg(long, value_enum)]
    pub format: Option<emit::Format>,

    /// List every resource that could not be fully checked, with the reason (text and
    /// concise formats; `json` and `json-lines` always list them).
    #[arg(long)]
    pub explain_unknown: bool,

    /// Exit with 1 when a finding is at or above this severity [default: `fail-on` of
    /// .vpclint.toml, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Check the whole repository (the directory of .vpclint.toml, else the nearest with
    /// .git, else the PATHs' common directory) but report only findings whose location or a
    /// related location is in the PATHs. The default when every PATH is a file.
    #[arg(long, overrides_with = "no_only_files")]
    pub only_files: bool,

    /// Check exactly the PATHs and report everything (the default when a PATH is a
    /// directory).
    #[arg(long, overrides_with = "only_files")]
    pub no_only_files: bool,

    /// When to colour text output [auto: on a terminal, unless `NO_COLOR` is set; always when
    /// `CLICOLOR_FORCE` is set (not 0)].
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Report only the findings that are not in this baseline file, and list its entries
    /// that no longer occur [default: `baseline` of .vpclint.toml].
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file (created or replaced), then report
    /// as with --baseline FILE: adopt vpclint on a repository that has findings already.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Write the report to this file instead of standard output (the default format is then
    /// concise, and text is not coloured unless forced).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Print only the findings: no summary line, hints or notes.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print how many findings each rule has, instead of the findings (a table; JSON with
    /// --format json or json-lines).
    #[arg(long)]
    pub statistics: bool,

    #[command(flatten)]
    pub eval: EvalArgs,
}

/// The flags that shape evaluation (what is lowered, which rules run, how): shared by
/// `check` and `graph`, so that a diagram shows what the check saw.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The documented access model the `VPC00x` rules check against: `legacy` (non-Nitro over
    /// peering and VPN), `c5-m5-2018-04` (AWS docs of April 2018), `current` (today's docs:
    /// no instance-type restriction) [default: `access-model` of .vpclint.toml, else legacy].
    #[arg(long, value_enum)]
    pub access_model: Option<AccessModel>,

    /// The configuration file [default: the nearest .vpclint.toml from the first PATH
    /// upward, stopping at a directory with .git].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run only these rules: ids or prefixes, comma-separated (replaces `select` of the
    /// configuration).
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub select: Option<Vec<String>>,

    /// Do not run these rules: ids or prefixes, comma-separated (replaces `ignore` of the
    /// configuration).
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub ignore: Option<Vec<String>>,

    #[command(flatten)]
    pub terraform: TerraformArgs,

    #[command(flatten)]
    pub cloudformation: CloudFormationArgs,
}

fn parse_selector(text: &str) -> Result<String, String> {
    let text = text.trim();
    config::check_selector(text).map(|()| text.to_owned())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The exit codes, as `--help` shows them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  nothing at or above --fail-on (default: warning), and every file could be read and parsed
  1  findings at or above --fail-on, or a file that could not be read or parsed
  2  a usage error: bad arguments, a PATH that does not exist, an invalid configuration or
     baseline file, or nothing could be read";

/// Exit codes: a promise to users' scripts.
pub mod exit {
    /// Nothing at or above `--fail-on`, and no file errors.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on`, or files that could not be parsed.
    pub const FINDINGS: u8 = 1;
    /// A usage error, or nothing could be read.
    pub const USAGE: u8 = 2;
}

pub(super) fn run(args: &CheckArgs) -> u8 {
    match prepare(args) {
        Ok(run) => report(args, run),
        Err(code) => code,
    }
}

/// What to check and how, once the configuration is merged with the flags.
pub(super) struct Run {
    pub found: discover::Discovered,
    pub options: Options,
    pub fail_on: FailOn,
    /// In a diff-aware run, the PATHs (absolute) whose findings are reported.
    pub only: Option<Vec<PathBuf>>,
    /// `baseline` of the configuration, if any.
    pub config_baseline: Option<PathBuf>,
    /// The baseline to apply (`--baseline`, else `config_baseline`), read (`check` only).
    baseline: Option<super::baseline::Loaded>,
}

fn usage(message: &str) -> u8 {
    eprintln!("vpclint: error: {message}");
    exit::USAGE
}

/// Reads the configuration, merges it under the flags, discovers the files. `Err` is the
/// exit code of a usage error, already explained on stderr.
fn prepare(args: &CheckArgs) -> Result<Run, u8> {
    let only_files = (args.only_files || args.no_only_files).then_some(args.only_files);
    let mut run = prepare_eval(&args.paths, &args.eval, only_files)?;
    if let Some(fail_on) = args.fail_on {
        run.fail_on = fail_on;
    }
    run.baseline = match (&args.write_baseline, &args.baseline) {
        (Some(_), _) => None,
        (None, Some(path)) => Some(path.clone()),
        (None, None) => run.config_baseline.clone(),
    }
    .map(|path| super::baseline::read(&discover::relative_to_cwd(&path)))
    .transpose()
    .map_err(|e| usage(&e))?;
    Ok(run)
}

/// [`prepare`] for any subcommand that evaluates `paths` as `check` does; `only_files`
/// `None` decides as `check` does without `--only-files`/`--no-only-files`.
pub(super) fn prepare_eval(
    paths: &[PathBuf],
    eval: &EvalArgs,
    only_files: Option<bool>,
) -> Result<Run, u8> {
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let config = match &eval.config {
        Some(path) => discover::load_config(path).map(Some),
        None => discover::config_for(first),
    }
    .map_err(|e| usage(&e.to_string()))?;
    let only_files = only_files.unwrap_or_else(|| {
        paths.iter().all(|p| p.is_file())
            && discover::has_repository_root(paths, config.as_ref().map(|c| c.path.as_path()))
    });
    let config_baseline = config.as_ref().and_then(|c| c.baseline.clone());
    let (mut found, only, roots) = discover_files(paths, config.as_ref(), only_files)?;
    // Local modules the roots call from elsewhere in the repository.
    let repository = crate::module_sources::repository_of(paths);
    crate::module_sources::read_local(&mut found, repository.as_deref());
    let module_cache = if eval.terraform.download_modules {
        Some(download_modules(&mut found)?)
    } else {
        None
    };
    if !found.missing.is_empty() {
        for path in &found.missing {
            usage(&format!("{}: no such file or directory", path.display()));
        }
        return Err(exit::USAGE);
    }
    if found.inputs.is_empty() && !found.errors.is_empty() {
        for e in &found.errors {
            usage(&format!("{}: {}", e.path.display(), e.message));
        }
        return Err(exit::USAGE);
    }
    warn_undeclared(eval, &found.inputs);
    let mut lower = LowerOptions {
        terraform: eval.terraform.options(),
        cloudformation: eval.cloudformation.options(),
    };
    if let Some(roots) = roots {
        lower.set_roots(roots);
    }
    lower.terraform.repository = repository;
    lower.terraform.module_cache = module_cache;
    // Files given alone: the rest of their directories was not read.
    if !only_files {
        lower.terraform.partial_dirs = paths
            .iter()
            .filter(|p| p.is_file())
            .map(|p| p.parent().unwrap_or(Path::new("")).to_path_buf())
            .collect();
    }
    let fail_on = config.as_ref().and_then(|c| c.fail_on);
    let options = Options::resolve(
        config.as_ref(),
        check::Overrides {
            access_model: eval.access_model,
            select: eval.select.clone(),
            ignore: eval.ignore.clone(),
            lower,
        },
    );
    Ok(Run {
        found,
        options,
        // `check` puts its `--fail-on` over this.
        fail_on: fail_on.unwrap_or(FailOn::Warning),
        only,
        config_baseline,
        baseline: None,
    })
}

/// `--download-modules`: fetches into the cache what the roots call (the only use of the
/// network); the cache directory.
fn download_modules(found: &mut discover::Discovered) -> Result<PathBuf, u8> {
    use crate::module_sources::{self, fetch};
    let Some(cache) = fetch::default_cache() else {
        return Err(usage(
            "--download-modules: no cache directory (set XDG_CACHE_HOME or HOME)",
        ));
    };
    // Absolute: the manifest names its directories, and they are not under the root.
    let cache = discover::absolute(&cache);
    let mut fetcher = fetch::Fetcher::new(cache.clone());
    module_sources::download(found, &mut fetcher);
    Ok(cache)
}

/// Warns about `--var` and `--parameter` names that no checked file declares (a typo would
/// leave the value it was meant to set Unknown or default, silently).
fn warn_undeclared(eval: &EvalArgs, inputs: &[discover::Input]) {
    let vars = eval.terraform.var_names();
    let parameters: Vec<&str> = eval
        .cloudformation
        .parameter
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    if vars.is_empty() && parameters.is_empty() {
        return;
    }
    let declared = crate::lower::declared_inputs(inputs.iter().map(|i| (i.kind, i.text.as_str())));
    for name in vars {
        if !declared.variables.contains(name) {
            eprintln!(
                "vpclint: warning: --var {name}: no checked Terraform file declares a variable \"{name}\"{}",
                did_you_mean(name, &declared.variables)
            );
        }
    }
    for name in parameters {
        if !declared.parameters.contains(name) {
            eprintln!(
                "vpclint: warning: --parameter {name}: no checked CloudFormation template declares a parameter {name}{}",
                did_you_mean(name, &declared.parameters)
            );
        }
    }
}

/// `; did you mean "x"?` when a declared name differs only in case or by one edit.
fn did_you_mean(name: &str, declared: &std::collections::BTreeSet<String>) -> String {
    let close = declared
        .iter()
        .find(|d| d.eq_ignore_ascii_case(name) || strsim::levenshtein(d, name) <= 1);
    close.map_or_else(String::new, |d| format!("; did you mean \"{d}\"?"))
}

type Found = (
    discover::Discovered,
    Option<Vec<PathBuf>>,
    Option<Vec<PathBuf>>,
);

/// Discovery: the PATHs, or in a diff-aware run the repository root (with the PATHs to
/// report, and the root as the Terraform root for module sources).
fn discover_files(
    paths: &[PathBuf],
    config: Option<&Config>,
    only_files: bool,
) -> Result<Found, u8> {
    let exclude = config.map(|c| c.exclude.clone()).unwrap_or_default();
    if !only_files {
        return Ok((discover::discover_with(paths, &exclude), None, None));
    }
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(usage(&format!(
            "{}: no such file or directory",
            missing.display()
        )));
    }
    let root = discover::repository_root(paths, config.map(|c| c.path.as_path()));
    let root = discover::relative_to_cwd(&root);
    let only = paths.iter().map(|p| discover::absolute(p)).collect();
    let mut found = discover::discover_with(std::slice::from_ref(&root), &exclude);
    // Walking `..` gives `../infra/main.tf` for what is `main.tf` from here.
    let cwd = discover::absolute(Path::new("."));
    let shorten = |path: &mut PathBuf| {
        if let Ok(below) = discover::absolute(path).strip_prefix(&cwd) {
            *path = below.to_path_buf();
        }
    };
    found.inputs.iter_mut().for_each(|i| shorten(&mut i.path));
    found.errors.iter_mut().for_each(|e| shorten(&mut e.path));
    found.notices.iter_mut().for_each(|n| shorten(&mut n.path));
    // Module sources are "inside" when under the root; once paths are shortened, the
    // working directory's subtree is written without `..` and must count as inside too.
    let mut roots = vec![root.clone()];
    if root.starts_with("..") {
        roots.push(PathBuf::from("."));
    }
    Ok((found, Some(only), Some(roots)))
}

/// Checks, renders, writes, and returns the exit code.
fn report(args: &CheckArgs, run: Run) -> u8 {
    let Run {
        found,
        options,
        fail_on,
        only,
        baseline,
        ..
    } = run;
    let mut report = check::check(found.inputs, found.errors, found.skipped, &options);
    // Discovery's notices first, then the check's (registry modules not supplied).
    report.notices.splice(0..0, found.notices);
    // The baseline applies to the whole run, before a diff-aware run narrows it: an entry
    // is stale only when its finding is gone from the repository.
    let baseline = match &args.write_baseline {
        Some(path) => match super::baseline::write(path, &report) {
            Ok(loaded) => {
                if !args.quiet {
                    let n = loaded.baseline.findings.len();
                    eprintln!(
                        "vpclint: recorded {n} finding{} in the baseline {}",
                        if n == 1 { "" } else { "s" },
                        path.display()
                    );
                }
                Some(loaded)
            }
            Err(e) => return usage(&e),
        },
        None => baseline,
    };
    if let Some(loaded) = &baseline {
        super::baseline::apply(&mut report, loaded);
    }
    if let Some(only) = only {
        let wanted = |path: &Path| {
            let path = discover::absolute(path);
            only.iter().any(|o| path.starts_with(o))
        };
        report.retain_files(wanted);
        if let (Some(outcome), Some(loaded)) = (&mut report.baseline, &baseline) {
            let file = discover::absolute(&loaded.path);
            let dir = file.parent().unwrap_or(Path::new("/"));
            outcome.stale.retain(|e| wanted(&dir.join(&e.file)));
        }
    }
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        emit::Format::Text
    } else {
        emit::Format::Concise
    });
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => auto_color(to_terminal, &|name| std::env::var_os(name)),
    };
    let cwd = std::env::current_dir().ok();
    let emit_options = emit::EmitOptions {
        color,
        explain_unknown: args.explain_unknown,
        repo_root: cwd.as_deref().map(repository_root),
        cwd,
        docs_url: emit::default_docs_url(),
        quiet: args.quiet,
    };
    let write = |out: &mut dyn Write| {
        if args.statistics {
            out.write_all(emit::statistics::render(&report, format).as_bytes())
        } else {
            emit::write(&report, format, &emit_options, out)
        }
    };
    if let Some(path) = &args.output_file {
        let written = std::fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            out.flush()
        });
        if let Err(e) = written {
            return usage(&format!("{}: {e}", path.display()));
        }
    } else {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        // A closed pipe (`| head`) is not an error of the check.
        let _ = write(&mut stdout).and_then(|()| stdout.flush());
    }
    if format == emit::Format::Github && emit::github::overflows(&report) {
        write_step_summary(&emit::step_summary(&report, &emit_options));
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|t| report.max_severity().is_some_and(|s| s >= t));
    if failing || !report.errors.is_empty() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Whether `--color auto` colours: never with `NO_COLOR` (set, not empty) or `CLICOLOR=0`;
/// always with `CLICOLOR_FORCE` (set, not `0`); else on a terminal.
fn auto_color(terminal: bool, env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() || set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    set("CLICOLOR_FORCE").is_some_and(|v| v != "0") || terminal
}

/// The repository the working directory is in (the nearest ancestor with `.git`, a directory
/// or a worktree's file), else the working directory itself.
fn repository_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Appends to the file GitHub Actions names in `$GITHUB_STEP_SUMMARY`, when it is set.
fn write_step_summary(markdown: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(markdown.as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "vpclint: warning: could not write the step summary to {}: {e}",
            Path::new(&path).display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_no_color_then_clicolor_force_then_the_terminal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert!(auto_color(true, &env(&[])));
        assert!(!auto_color(false, &env(&[])));
        assert!(auto_color(false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!auto_color(false, &env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!auto_color(false, &env(&[("CLICOLOR_FORCE", "")])));
        assert!(!auto_color(
            true,
            &env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])
        ));
        assert!(!auto_color(true, &env(&[("CLICOLOR", "0")])));
        assert!(auto_color(true, &env(&[("NO_COLOR", "")])));
    }

    #[test]
    fn near_names_are_suggested() {
        let declared = ["Env".to_owned(), "VpcCidr".to_owned()]
            .into_iter()
            .collect();
        assert_eq!(did_you_mean("env", &declared), "; did you mean \"Env\"?");
        assert_eq!(
            did_you_mean("VpcCid", &declared),
            "; did you mean \"VpcCidr\"?"
        );
        assert_eq!(did_you_mean("Other", &declared), "");
    }
}
