//! `vpclint check` flags for Terraform: `--var NAME=VALUE` and `--var-file FILE` (kept in
//! command-line order, since a later one wins, as in Terraform), and `TF_VAR_name` from the
//! environment. Variable files are read and parsed here; a file that cannot be read or
//! parsed is a usage error (exit 2), as it is for Terraform.
//!
//! The arguments are declared by hand (not derived) because the relative order of two
//! different flags is only available from clap's `indices_of`.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::lower::terraform::{TerraformOptions, VarSetting};
use crate::syntax::{terraform, terraform_json};

#[derive(Debug, Default)]
pub struct TerraformArgs {
    vars: Vec<VarSetting>,
    roots: Vec<PathBuf>,
    /// `--download-modules`: fetch registry, archive and git modules into the cache.
    pub download_modules: bool,
}

impl TerraformArgs {
    /// The names set with `--var`, in command-line order.
    pub fn var_names(&self) -> Vec<&str> {
        self.vars
            .iter()
            .filter_map(|v| match v {
                VarSetting::Var { name, .. } => Some(name.as_str()),
                VarSetting::File { .. } => None,
            })
            .collect()
    }

    /// The lowering options these flags select, with `TF_VAR_*` from the environment.
    pub fn options(&self) -> TerraformOptions {
        let mut env: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| {
                let name = k.to_str()?.strip_prefix("TF_VAR_")?.to_owned();
                Some((name, v.into_string().ok()?))
            })
            .collect();
        env.sort();
        TerraformOptions {
            vars: self.vars.clone(),
            env,
            roots: self.roots.clone(),
            repository: None,
            module_cache: None,
            partial_dirs: Vec::new(),
        }
    }
}

impl clap::Args for TerraformArgs {
    fn augment_args(cmd: Command) -> Command {
        cmd.arg(
            Arg::new("var")
                .long("var")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("Set a Terraform root variable (as terraform -var; repeatable)"),
        )
        .arg(
            Arg::new("var_file")
                .long("var-file")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .action(ArgAction::Append)
                .help("Read Terraform root variables from a .tfvars or .tfvars.json file (repeatable; later ones win)"),
        )
        .arg(
            Arg::new("download_modules")
                .long("download-modules")
                .action(ArgAction::SetTrue)
                .help("Fetch the registry, https archive and git modules that roots without .terraform/modules call, into $XDG_CACHE_HOME/vpclint/modules (the only time vpclint uses the network; git sources need a git binary)"),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for TerraformArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut indexed: Vec<(usize, VarSetting)> = Vec::new();
        if let (Some(values), Some(indices)) =
            (matches.get_many::<String>("var"), matches.indices_of("var"))
        {
            for (value, index) in values.zip(indices) {
                indexed.push((index, parse_var(value)?));
            }
        }
        if let (Some(values), Some(indices)) = (
            matches.get_many::<PathBuf>("var_file"),
            matches.indices_of("var_file"),
        ) {
            for (path, index) in values.zip(indices) {
                indexed.push((index, read_var_file(path)?));
            }
        }
        indexed.sort_by_key(|(i, _)| *i);
        // The PATH arguments of `check`, to tell module sources outside them.
        let roots = matches
            .try_get_many::<PathBuf>("paths")
            .ok()
            .flatten()
            .map_or_else(|| vec![PathBuf::from(".")], |p| p.cloned().collect());
        Ok(TerraformArgs {
            vars: indexed.into_iter().map(|(_, v)| v).collect(),
            roots,
            download_modules: matches
                .try_get_one::<bool>("download_modules")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

fn usage_error(message: &str) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{message}\n"))
}

fn parse_var(text: &str) -> Result<VarSetting, clap::Error> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok(VarSetting::Var {
            name: name.trim().to_owned(),
            value: value.to_owned(),
        }),
        _ => Err(usage_error(&format!("--var '{text}': expected NAME=VALUE"))),
    }
}

fn read_var_file(path: &Path) -> Result<VarSetting, clap::Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage_error(&format!("--var-file {}: cannot read: {e}", path.display())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let json = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().ends_with(".json"));
    let parsed = if json {
        terraform_json::parse_vars(text)
    } else {
        terraform::parse(text)
    };
    if let Some(e) = parsed.errors.first() {
        let before = &text[..e.range.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        return Err(usage_error(&format!(
            "--var-file {}:{line}:{column}: {}",
            path.display(),
            e.message
        )));
    }
    Ok(VarSetting::File {
        path: path.to_path_buf(),
        body: parsed.tree,
    })
}
