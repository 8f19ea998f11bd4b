//! `vpclint check` flags for CloudFormation, and reading parameter files (the one place
//! the CloudFormation options do IO).

use std::path::Path;

use crate::lower::cloudformation::{
    CloudFormationOptions, ParameterValue, DEFAULT_MAX_COMBINATIONS,
};

#[derive(Debug, clap::Args)]
pub struct CloudFormationArgs {
    /// The AWS region CloudFormation templates are deployed to (`AWS::Region`, and what a
    /// peering's `PeerRegion` is compared with).
    #[arg(long)]
    pub region: Option<String>,

    /// CloudFormation parameter values from a file: the AWS CLI's
    /// `[{"ParameterKey": …, "ParameterValue": …}]`, a `CodePipeline` template configuration
    /// `{"Parameters": {…}}`, or `Key=Value` lines. Repeatable; later files win.
    #[arg(long = "parameters", value_name = "FILE", value_parser = read_parameter_file)]
    pub parameter_files: Vec<ParameterFile>,

    /// One CloudFormation parameter value, `Key=Value` (wins over `--parameters`).
    /// Repeatable.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_parameter)]
    pub parameter: Vec<ParameterValue>,

    /// The most combinations of undecided CloudFormation conditions analysed per group of
    /// linked templates; beyond it, what depends on the remaining conditions is reported as
    /// unchecked.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_COMBINATIONS)]
    pub max_condition_combinations: usize,
}

impl Default for CloudFormationArgs {
    fn default() -> Self {
        CloudFormationArgs {
            region: None,
            parameter_files: Vec::new(),
            parameter: Vec::new(),
            max_condition_combinations: DEFAULT_MAX_COMBINATIONS,
        }
    }
}

/// The values of one `--parameters` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterFile {
    pub values: Vec<ParameterValue>,
}

impl CloudFormationArgs {
    /// The lowering options these flags select.
    pub fn options(&self) -> CloudFormationOptions {
        let mut parameters: Vec<ParameterValue> = self
            .parameter_files
            .iter()
            .flat_map(|f| f.values.iter().cloned())
            .collect();
        parameters.extend(self.parameter.iter().cloned());
        CloudFormationOptions {
            region: self.region.clone(),
            parameters,
            max_combinations: self.max_condition_combinations.max(1),
        }
    }
}

fn parse_parameter(arg: &str) -> Result<ParameterValue, String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok(ParameterValue {
            key: key.trim().to_owned(),
            value: value.to_owned(),
            source: "--parameter".to_owned(),
        }),
        _ => Err(format!("expected Key=Value, got '{arg}'")),
    }
}

fn read_parameter_file(arg: &str) -> Result<ParameterFile, String> {
    let text = std::fs::read_to_string(arg).map_err(|e| format!("{arg}: {e}"))?;
    let source = Path::new(arg)
        .file_name()
        .map_or_else(|| arg.to_owned(), |n| n.to_string_lossy().into_owned());
    parse_parameter_text(&text, &source)
        .map(|values| ParameterFile { values })
        .map_err(|e| format!("{arg}: {e}"))
}

/// Parses a parameter file's text in any of the three formats.
///
/// # Errors
/// What is wrong with the text, with the entry or line.
pub fn parse_parameter_text(text: &str, source: &str) -> Result<Vec<ParameterValue>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let value = |key: &str, value: String| ParameterValue {
        key: key.to_owned(),
        value,
        source: source.to_owned(),
    };
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('[') || trimmed.starts_with('{')) {
        return key_value_lines(text, source);
    }
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    match json {
        // The AWS CLI: [{"ParameterKey": "K", "ParameterValue": "V"}, …]
        serde_json::Value::Array(items) => {
            let mut out = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let key = item
                    .get("ParameterKey")
                    .and_then(|k| k.as_str())
                    .ok_or_else(|| format!("entry {} has no \"ParameterKey\" string", n + 1))?;
                // `UsePreviousValue: true` keeps a deployed value vpclint cannot know.
                if let Some(v) = item.get("ParameterValue") {
                    out.push(value(
                        key,
                        scalar(v).ok_or_else(|| {
                            format!("the value of {key} is not a string, number or boolean")
                        })?,
                    ));
                }
            }
            Ok(out)
        }
        // CodePipeline template configuration: {"Parameters": {"K": "V"}, "Tags": …}
        serde_json::Value::Object(map) => {
            let params = map
                .get("Parameters")
                .and_then(|p| p.as_object())
                .ok_or("a JSON object must have a \"Parameters\" object")?;
            params
                .iter()
                .map(|(k, v)| {
                    scalar(v).map(|s| value(k, s)).ok_or_else(|| {
                        format!("the value of {k} is not a string, number or boolean")
                    })
                })
                .collect()
        }
        _ => Err("expected a JSON array or object".to_owned()),
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        // A list value (CommaDelimitedList) written as an array.
        serde_json::Value::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => None,
    }
}

/// `Key=Value` lines; blank lines and `#` comments are skipped.
fn key_value_lines(text: &str, source: &str) -> Result<Vec<ParameterValue>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected Key=Value", n + 1));
        };
        out.push(ParameterValue {
            key: key.trim().to_owned(),
            value: value.trim().to_owned(),
            source: source.to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_parameter_text(text, "f")
            .unwrap()
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    #[test]
    fn the_three_formats() {
        let expect = vec![
            ("Env".to_owned(), "prod".to_owned()),
            ("Size".to_owned(), "3".to_owned()),
        ];
        assert_eq!(
            pairs(
                r#"[{"ParameterKey":"Env","ParameterValue":"prod"},{"ParameterKey":"Size","ParameterValue":3}]"#
            ),
            expect
        );
        assert_eq!(
            pairs(r#"{"Parameters":{"Env":"prod","Size":"3"},"Tags":{"a":"b"}}"#),
            expect
        );
        assert_eq!(pairs("# comment\nEnv=prod\n\n Size = 3\n"), expect);
    }

    #[test]
    fn previous_values_are_skipped_and_lists_joined() {
        assert_eq!(
            pairs(
                r#"[{"ParameterKey":"A","UsePreviousValue":true},{"ParameterKey":"B","ParameterValue":["x","y"]}]"#
            ),
            vec![("B".to_owned(), "x,y".to_owned())]
        );
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(parse_parameter_text("{\"Env\": \"prod\"}", "f").is_err());
        assert!(parse_parameter_text("[{\"ParameterValue\": \"x\"}]", "f").is_err());
        assert!(parse_parameter_text("Env prod", "f")
            .unwrap_err()
            .contains("line 1"));
        assert!(parse_parameter_text("[1,", "f").is_err());
        assert!(parse_parameter("=x").is_err());
        assert_eq!(parse_parameter("A=b=c").unwrap().value, "b=c");
    }
}
