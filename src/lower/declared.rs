//! The names a set of inputs declares for values given from outside: Terraform `variable`
//! blocks and CloudFormation `Parameters`, so that the CLI can warn about a `--var` or
//! `--parameter` that nothing declares (a typo would otherwise be silently ignored, and the
//! value it was meant to set stay Unknown or default).
//!
//! A separate pass over the texts, run only when such flags are given: the check itself
//! keeps no syntax tree. A name declared anywhere counts (also in a module: a module's
//! variable is set by its caller, but the point is to catch typos, not to second-guess
//! which directory is a root).

use std::collections::BTreeSet;

use crate::discover::{FileKind, Input};
use crate::syntax::{cloudformation, terraform, terraform_json};

/// Declared names, by kind of input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredInputs {
    /// Terraform `variable "NAME"` blocks.
    pub variables: BTreeSet<String>,
    /// CloudFormation `Parameters` keys.
    pub parameters: BTreeSet<String>,
}

/// The variables and parameters the inputs declare (files that do not parse contribute
/// what could be read).
#[must_use]
pub fn declared_inputs(inputs: &[Input]) -> DeclaredInputs {
    let mut out = DeclaredInputs::default();
    for input in inputs {
        match input.kind {
            FileKind::Terraform | FileKind::TerraformJson => {
                let body = if input.kind == FileKind::Terraform {
                    terraform::parse(&input.text).tree
                } else {
                    terraform_json::parse(&input.text).tree
                };
                for block in body.blocks_of("variable") {
                    if let Some(label) = block.labels.first() {
                        out.variables.insert(label.value.clone());
                    }
                }
            }
            FileKind::CloudFormationYaml | FileKind::CloudFormationJson => {
                let format = if input.kind == FileKind::CloudFormationJson {
                    cloudformation::Format::Json
                } else {
                    cloudformation::Format::Yaml
                };
                let parsed = cloudformation::parse(&input.text, format);
                let parameters = parsed
                    .tree
                    .as_ref()
                    .and_then(|root| root.get("Parameters"))
                    .and_then(|p| p.as_map());
                for entry in parameters.into_iter().flatten() {
                    out.parameters.insert(entry.key.clone());
                }
            }
            FileKind::TerraformVars
            | FileKind::TerraformVarsJson
            | FileKind::TerraformModules
            | FileKind::TerraformPlan => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &str, kind: FileKind, text: &str) -> Input {
        Input {
            path: path.into(),
            kind,
            text: text.to_owned(),
        }
    }

    #[test]
    fn variables_and_parameters_are_collected() {
        let declared = declared_inputs(&[
            input(
                "main.tf",
                FileKind::Terraform,
                "variable \"env\" {}\nvariable \"cidr\" {\n  default = \"10.0.0.0/16\"\n}\nresource \"aws_vpc\" \"a\" {}\n",
            ),
            input(
                "vars.tf.json",
                FileKind::TerraformJson,
                "{\"variable\": {\"region\": {}}}",
            ),
            input(
                "t.yaml",
                FileKind::CloudFormationYaml,
                "Parameters:\n  Env:\n    Type: String\nResources: {}\n",
            ),
            input("x.tfvars", FileKind::TerraformVars, "nope = 1\n"),
        ]);
        assert_eq!(
            declared.variables.iter().collect::<Vec<_>>(),
            ["cidr", "env", "region"]
        );
        assert_eq!(declared.parameters.iter().collect::<Vec<_>>(), ["Env"]);
    }
}
