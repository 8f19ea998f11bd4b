//! The parse-only floor: what any linter of these trees has to do before it can know
//! anything. `scale parse-only PATH…` walks, reads and classifies the files with
//! `vpclint::discover::discover`, then parses every file with vpclint's own public parsers
//! (HCL through hcl-edit into vpclint's tree; YAML/JSON into the data tree), on one thread,
//! and keeps every tree alive until the end as a check must. No lowering, evaluation,
//! reachability, rules or output. It prints one JSON line with its own split of the time;
//! the benchmark measures the whole process (start-up included) as it does vpclint.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vpclint::discover::{discover, FileKind};
use vpclint::syntax::{cloudformation, json, terraform, terraform_json};

pub fn main(paths: &[String]) -> ExitCode {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let start = Instant::now();
    let found = discover(&paths);
    let discovered = start.elapsed();
    let mut hcl = Vec::new();
    let mut data = Vec::new();
    let mut syntax_errors = 0;
    let mut bytes = 0;
    for input in &found.inputs {
        let text = input.text.as_str();
        bytes += text.len();
        match input.kind {
            FileKind::Terraform | FileKind::TerraformVars => hcl.push(terraform::parse(text)),
            FileKind::TerraformJson => hcl.push(terraform_json::parse(text)),
            FileKind::TerraformVarsJson => hcl.push(terraform_json::parse_vars(text)),
            FileKind::TerraformModules | FileKind::TerraformPlan => data.push(json::parse(text)),
            FileKind::CloudFormationYaml => {
                data.push(cloudformation::parse(text, cloudformation::Format::Yaml));
            }
            FileKind::CloudFormationJson => {
                data.push(cloudformation::parse(text, cloudformation::Format::Json));
            }
        }
    }
    syntax_errors += hcl.iter().map(|p| p.errors.len()).sum::<usize>();
    syntax_errors += data.iter().map(|p| p.errors.len()).sum::<usize>();
    let templates = data
        .iter()
        .filter(|p| p.tree.as_ref().is_some_and(cloudformation::is_template))
        .count();
    let total = start.elapsed();
    println!(
        "{{\"files\": {}, \"bytes\": {bytes}, \"templates\": {templates}, \"syntax_errors\": {syntax_errors}, \"read_errors\": {}, \"discover_ms\": {:.1}, \"total_ms\": {:.1}}}",
        found.inputs.len(),
        found.errors.len(),
        discovered.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
    );
    // The trees are dropped here, after the clock stopped, as a check drops them at exit.
    drop((hcl, data));
    ExitCode::SUCCESS
}
