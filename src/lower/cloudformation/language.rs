//! CloudFormation as an input language: templates in YAML or JSON (SAM and CDK output
//! included) and CDK cloud-assembly manifests, recognised by their content.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::lower::budget::Budget;
use crate::lower::language::{Claim, FileKind, FileSystem, Language, Notice, Parsed};
use crate::lower::{Links, LowerError, LowerOptions, ParsedFile, Trees};
use crate::model::Graph;
use crate::source::FileId;
use crate::syntax::cloudformation;
use crate::syntax::comments::{self, Comment};

pub struct CloudFormation;

/// A cheap content test before parsing: a template names its format version, or has
/// `Resources` with `AWS::` types. Parsing confirms it.
#[must_use]
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
        // A CDK cloud-assembly manifest (`cdk.out/manifest.json`): stack names and regions.
        || text.contains("\"aws:cloudformation:stack\"")
}

impl Language for CloudFormation {
    fn name(&self) -> &'static str {
        "CloudFormation"
    }

    /// A CDK app whose synthesized templates the walk did not find (`cdk_app.rs`).
    fn notices(&self, found: &[PathBuf], fs: &dyn FileSystem) -> Vec<Notice> {
        super::cdk_app::notices(found, fs)
    }

    fn claim_name(&self, path: &Path) -> Option<Claim> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let (_, extension) = name.rsplit_once('.')?;
        // `.template` files are JSON or YAML; the YAML parser reads both.
        matches!(extension, "yaml" | "yml" | "template" | "json").then_some(Claim::Content)
    }

    fn claim_content(&self, path: &Path, text: &str) -> Option<FileKind> {
        if !looks_like_template(text) {
            return None;
        }
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Some(if json {
            FileKind::CloudFormationJson
        } else {
            FileKind::CloudFormationYaml
        })
    }

    fn owns(&self, kind: FileKind) -> bool {
        matches!(
            kind,
            FileKind::CloudFormationYaml | FileKind::CloudFormationJson
        )
    }

    fn parse(&self, id: FileId, kind: FileKind, text: &str) -> Parsed {
        let format = if kind == FileKind::CloudFormationJson {
            cloudformation::Format::Json
        } else {
            cloudformation::Format::Yaml
        };
        let p = cloudformation::parse(text, format);
        match p.tree {
            Some(root) if cloudformation::is_template(&root) => Parsed::File(
                Some(ParsedFile::CloudFormation { file: id, root }),
                p.errors,
            ),
            // It looked like a template but did not parse as one: report why.
            _ if !p.errors.is_empty() => Parsed::File(None, p.errors),
            _ => Parsed::Skipped,
        }
    }

    fn comments(&self, kind: FileKind, text: &str) -> Vec<Comment> {
        match kind {
            FileKind::CloudFormationYaml => comments::yaml(text),
            _ => Vec::new(),
        }
    }

    fn links(&self, file: &ParsedFile, path: &Path, text: &str) -> Links {
        match file {
            ParsedFile::CloudFormation { root, .. } => {
                Links::CloudFormation(super::links(root, path, text))
            }
            _ => unreachable!("not a CloudFormation file"),
        }
    }

    fn units(
        &self,
        files: &[(FileId, &Links)],
        paths: &dyn Fn(FileId) -> PathBuf,
        options: &LowerOptions,
        trees: &Trees<'_>,
    ) -> Vec<Vec<usize>> {
        super::units(files, paths, &options.cloudformation, trees)
    }

    /// Each template alone.
    fn fallback_unit(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    fn lower(
        &self,
        files: &[&ParsedFile],
        paths: &dyn Fn(FileId) -> PathBuf,
        options: &LowerOptions,
        budget: &Budget,
        graph: &mut Graph,
        errors: &mut Vec<LowerError>,
    ) {
        super::lower_all(files, paths, &options.cloudformation, budget, graph, errors);
    }

    /// A finding's copies across condition combinations are one, naming the conditions it
    /// holds under when not all.
    fn merge(&self, graph: &Graph, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        super::merge_variants(graph, findings)
    }
}
