//! `vpclint graph`: the diagram of what the check understood, with the path of every
//! finding. The same configuration, discovery and evaluation as `check` (the flags of
//! [`EvalArgs`]); the drawing itself is `crate::graph`, pure.

use std::io::Write;
use std::path::PathBuf;

use super::check::{self, exit, EvalArgs};
use crate::graph::{self, Format, ViewOptions};

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files or directories to draw (directories are walked, honouring .gitignore). Exactly
    /// these: unlike `check`, files are not widened to their repository.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format: `mermaid` (GitHub Markdown), `dot` (Graphviz), `html` (one
    /// self-contained page), `json` (the graph), `markdown` (Mermaid and the findings,
    /// capped in size for a GitHub step summary).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,

    /// Draw only what this touches, with one hop around its path: a resource address
    /// (`aws_instance.app`), a rule id (`VPC001`), or `FILE:LINE` of a resource or finding.
    #[arg(long, value_name = "RESOURCE")]
    pub focus: Option<String>,

    /// Draw only the findings' paths, with one hop around them.
    #[arg(long)]
    pub findings_only: bool,

    /// Beyond this many nodes, fold units and then VPCs that no finding touches into boxes
    /// with their counts.
    #[arg(long, value_name = "N", default_value_t = graph::DEFAULT_MAX_NODES)]
    pub max_nodes: usize,

    #[command(flatten)]
    pub eval: EvalArgs,
}

pub(super) fn run(args: &GraphArgs) -> u8 {
    let run = match check::prepare_eval(&args.paths, &args.eval, Some(false)) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let found = run.found;
    let (report, units) =
        crate::check::check_with_graphs(found.inputs, found.errors, found.skipped, &run.options);
    let options = ViewOptions {
        focus: args.focus.clone(),
        findings_only: args.findings_only,
        max_nodes: args.max_nodes.max(1),
    };
    let view = match graph::view(&report, &units, &options) {
        Ok(view) => view,
        Err(e) => {
            eprintln!("vpclint: error: {e}");
            return exit::USAGE;
        }
    };
    if !report.errors.is_empty() {
        eprintln!(
            "vpclint: warning: {} file error(s); what they hold is not drawn (`vpclint check` lists them)",
            report.errors.len()
        );
    }
    let text = graph::render(&view, args.format);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    exit::CLEAN
}
