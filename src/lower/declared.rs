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

use super::language::{self, Parsed};
use super::{FileKind, ParsedFile};
use crate::source::FileId;

/// Declared names, by kind of input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredInputs {
    /// Terraform `variable "NAME"` blocks.
    pub variables: BTreeSet<String>,
    /// CloudFormation `Parameters` keys.
    pub parameters: BTreeSet<String>,
}

/// The variables and parameters the files (kind and text) declare (files that do not
/// parse contribute what could be read).
#[must_use]
pub fn declared_inputs<'a>(files: impl IntoIterator<Item = (FileKind, &'a str)>) -> DeclaredInputs {
    let mut out = DeclaredInputs::default();
    for (kind, text) in files {
        let Parsed::File(Some(parsed), _) = language::parse(FileId(0), kind, text) else {
            continue;
        };
        match parsed {
            ParsedFile::Terraform { body, .. } => {
                for block in body.blocks_of("variable") {
                    if let Some(label) = block.labels.first() {
                        out.variables.insert(label.value.clone());
                    }
                }
            }
            ParsedFile::CloudFormation { root, .. } => {
                let parameters = root.get("Parameters").and_then(|p| p.as_map());
                for entry in parameters.into_iter().flatten() {
                    out.parameters.insert(entry.key.clone());
                }
            }
            ParsedFile::TerraformVars { .. }
            | ParsedFile::TerraformModules { .. }
            | ParsedFile::TerraformPlan { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_parameters_are_collected() {
        let declared = declared_inputs([
            (
                FileKind::Terraform,
                "variable \"env\" {}\nvariable \"cidr\" {\n  default = \"10.0.0.0/16\"\n}\nresource \"aws_vpc\" \"a\" {}\n",
            ),
            (
                FileKind::TerraformJson,
                "{\"variable\": {\"region\": {}}}",
            ),
            (
                FileKind::CloudFormationYaml,
                "Parameters:\n  Env:\n    Type: String\nResources:\n  V:\n    Type: AWS::EC2::VPC\n",
            ),
            (FileKind::TerraformVars, "nope = 1\n"),
        ]);
        assert_eq!(
            declared.variables.iter().collect::<Vec<_>>(),
            ["cidr", "env", "region"]
        );
        assert_eq!(declared.parameters.iter().collect::<Vec<_>>(), ["Env"]);
    }
}
