//! CDK apps whose templates vpclint cannot see. vpclint reads what `cdk synth` writes (the
//! cloud assembly, `cdk.out` by default: templates and `manifest.json`); it never runs the
//! app. A walk that finds a CDK app (`cdk.json`, or a `package.json` that depends on the CDK
//! library) but none of the app's cloud assembly gets a notice saying so, and what to run:
//! without it a CDK repository reads as "No findings in 0 files".

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::lower::language::{FileSystem, Notice};

/// The cloud assembly was not found: the app was not synthesized.
pub const NOT_SYNTHESIZED: &str = "cdk-app-not-synthesized";
/// The cloud assembly exists but the walk left it out (`.gitignore`, `exclude`).
pub const OUTPUT_NOT_WALKED: &str = "cdk-output-not-walked";

/// The npm packages of the CDK (v2, v1): a project that depends on one is a CDK app or
/// library.
const CDK_PACKAGES: &[&str] = &["aws-cdk-lib", "@aws-cdk/core"];

/// One notice per CDK app among `found` (every file the walk found) whose cloud assembly
/// was not among them.
pub(super) fn notices(found: &[PathBuf], fs: &dyn FileSystem) -> Vec<Notice> {
    let walked: HashSet<&Path> = found.iter().map(PathBuf::as_path).collect();
    let mut out = Vec::new();
    for path in found {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let (what, output) = match name {
            "cdk.json" => {
                let output = fs.read(path).and_then(|text| output_dir(&text));
                ("a CDK app (cdk.json)", output)
            }
            "package.json"
                if !walked.contains(dir.join("cdk.json").as_path())
                    && fs.read(path).is_some_and(|text| depends_on_cdk(&text)) =>
            {
                ("a CDK project (package.json depends on aws-cdk-lib)", None)
            }
            _ => continue,
        };
        let assembly = dir.join(output.as_deref().unwrap_or("cdk.out"));
        if found.iter().any(|f| f.starts_with(&assembly)) {
            continue;
        }
        let shown = shown(&assembly);
        let (code, message) = if fs.list(&assembly).is_empty() {
            (
                NOT_SYNTHESIZED,
                format!(
                    "{what} without its synthesized templates: vpclint reads the \
                     CloudFormation that `cdk synth` writes to {shown} (it never runs the \
                     app); run `cdk synth`, then `vpclint check {shown}`"
                ),
            )
        } else {
            (
                OUTPUT_NOT_WALKED,
                format!(
                    "{what}: its synthesized templates in {shown} were left out of the walk \
                     (.gitignore or `exclude`); name that directory to check them: `vpclint \
                     check {shown}`"
                ),
            )
        };
        out.push(Notice {
            code,
            path: path.clone(),
            message,
            span: None,
            sites: Vec::new(),
        });
    }
    out
}

/// The `output` directory a `cdk.json` sets (`cdk.out` when it sets none).
fn output_dir(cdk_json: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(cdk_json).ok()?;
    let output = json.get("output")?.as_str()?;
    (!output.is_empty()).then(|| output.to_owned())
}

/// Does a `package.json` depend on the CDK library (in any dependency list)?
fn depends_on_cdk(package_json: &str) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(package_json) else {
        return false;
    };
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|list| json.get(list)?.as_object())
        .any(|deps| CDK_PACKAGES.iter().any(|p| deps.contains_key(*p)))
}

/// A directory as a command line would name it (no leading `./`).
fn shown(dir: &Path) -> String {
    let dir = dir.strip_prefix(".").unwrap_or(dir);
    dir.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::{notices, NOT_SYNTHESIZED, OUTPUT_NOT_WALKED};
    use crate::lower::language::FileSystem;

    /// Files by path; a directory exists when a file is below it.
    struct Files(BTreeMap<PathBuf, String>);

    impl FileSystem for Files {
        fn read(&self, path: &Path) -> Option<String> {
            self.0.get(path).cloned()
        }

        fn list(&self, dir: &Path) -> Vec<PathBuf> {
            self.0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned()
                .collect()
        }
    }

    fn files(entries: &[(&str, &str)]) -> Files {
        Files(
            entries
                .iter()
                .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
                .collect(),
        )
    }

    fn paths(entries: &[&str]) -> Vec<PathBuf> {
        entries.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn an_app_without_its_assembly_gets_one_notice() {
        let fs = files(&[("./app/cdk.json", r#"{"app": "python3 app.py"}"#)]);
        let found = paths(&["./app/cdk.json", "./app/app.py", "./app/requirements.txt"]);
        let n = notices(&found, &fs);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].code, NOT_SYNTHESIZED);
        assert_eq!(n[0].path, Path::new("./app/cdk.json"));
        assert!(
            n[0].message.starts_with(
                "a CDK app (cdk.json) without its synthesized templates: vpclint reads the \
                 CloudFormation that `cdk synth` writes to app/cdk.out"
            ) && n[0].message.ends_with("then `vpclint check app/cdk.out`"),
            "{}",
            n[0].message
        );
    }

    #[test]
    fn an_app_whose_assembly_was_read_gets_none() {
        let fs = files(&[("app/cdk.json", "{}")]);
        let found = paths(&["app/cdk.json", "app/cdk.out/manifest.json"]);
        assert!(notices(&found, &fs).is_empty());
    }

    #[test]
    fn an_assembly_the_walk_left_out_is_named() {
        let fs = files(&[
            (
                "cdk.json",
                r#"{"app": "npx ts-node bin/app.ts", "output": "build/assembly"}"#,
            ),
            ("build/assembly/manifest.json", "{}"),
        ]);
        let n = notices(&paths(&["cdk.json", "bin/app.ts"]), &fs);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].code, OUTPUT_NOT_WALKED);
        assert!(
            n[0].message
                .contains("in build/assembly were left out of the walk")
                && n[0].message.ends_with("`vpclint check build/assembly`"),
            "{}",
            n[0].message
        );
    }

    #[test]
    fn a_package_that_depends_on_the_cdk_is_a_project_without_cdk_json() {
        let package = r#"{"name": "x", "dependencies": {"aws-cdk-lib": "2.179.0"}}"#;
        let fs = files(&[
            ("package.json", package),
            ("lambda/package.json", r#"{"dependencies": {"axios": "1"}}"#),
        ]);
        let found = paths(&["package.json", "lambda/package.json", "bin/app.ts"]);
        let n = notices(&found, &fs);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0]
            .message
            .starts_with("a CDK project (package.json depends on aws-cdk-lib) without"));
        // With a cdk.json beside it, the cdk.json's notice is the one.
        let fs = files(&[("package.json", package), ("cdk.json", "{}")]);
        let n = notices(&paths(&["cdk.json", "package.json"]), &fs);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].path, Path::new("cdk.json"));
    }
}
