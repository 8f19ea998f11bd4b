//! The input languages. Everything that differs between Terraform and CloudFormation —
//! which files they claim, how those parse, what links them, how they split into units
//! and lower, where their comments are, and what is merged after the rules ran — is a
//! method of [`Language`]. Discovery, the check, suppressions and the language server
//! iterate [`LANGUAGES`] and pass [`FileKind`]s through without looking inside: adding an
//! input format is a third implementation here, and touches `syntax/` and `lower/` only
//! (`tests/layering.rs` checks that no format is named anywhere else).

use std::path::{Path, PathBuf};

use super::budget::Budget;
use super::{Links, LowerError, LowerOptions, ParsedFile, Trees};
use crate::diagnostic::Diagnostic;
use crate::model::Graph;
use crate::source::{FileId, Span};
use crate::syntax::comments::Comment;
use crate::syntax::SyntaxError;

/// What a file is, as far as its name and a glance at its content tell. The variants are
/// the languages' business: outside `lower/` a kind is only passed along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `*.tf`
    Terraform,
    /// `*.tf.json`
    TerraformJson,
    /// `*.tfvars` (HCL attributes).
    TerraformVars,
    /// `*.tfvars.json`
    TerraformVarsJson,
    /// `.terraform/modules/modules.json` beside scanned `.tf` files (left by `terraform
    /// init`): where non-local module sources were downloaded.
    TerraformModules,
    /// JSON printed by `terraform show -json PLANFILE`.
    TerraformPlan,
    /// YAML that looks like a CloudFormation template; confirmed after parsing.
    CloudFormationYaml,
    /// JSON that looks like a CloudFormation template; confirmed after parsing.
    CloudFormationJson,
}

/// How a language answers for a file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The name alone decides.
    Kind(FileKind),
    /// The name fits, and the content decides ([`Language::claim_content`]).
    Content,
}

/// The outcome of parsing one file.
pub enum Parsed {
    /// What was built (nothing when the file did not parse as what it looked like), and
    /// the syntax errors.
    File(Option<ParsedFile>, Vec<SyntaxError>),
    /// It is not of the language after all (a YAML file that is not a template): counted as
    /// skipped, never an error.
    Skipped,
}

/// Something about the input as a whole that the reader of a report must know, which is
/// neither a finding nor a file error: a tool's project whose output is what vpclint reads,
/// without that output (so that "No findings in 0 files" never passes in silence).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Notice {
    /// What kind of notice, kebab-case (`cdk-app-not-synthesized`): for scripts.
    pub code: &'static str,
    /// The file it is about, as the walk reached it.
    pub path: PathBuf,
    /// What was found, what vpclint reads instead, and what to do.
    pub message: String,
    /// Where in `path` it applies first, when it is about places in files (a module call);
    /// `None`: the file as a whole.
    pub span: Option<Span>,
    /// Every place it applies to, named (`module.vpc`), when it stands for several.
    pub sites: Vec<(String, Span)>,
}

/// The file system as discovery reads it: languages ask for companion files through it,
/// so that IO stays in discovery.
pub trait FileSystem {
    fn read(&self, path: &Path) -> Option<String>;
    /// The files (not directories) of a directory, sorted.
    fn list(&self, dir: &Path) -> Vec<PathBuf>;
}

/// One input language.
pub trait Language: Sync {
    /// For messages: `Terraform`.
    fn name(&self) -> &'static str;

    /// Directory names the walk never enters (tool caches; their files are reached as
    /// [`Language::companions`] when they belong).
    fn skipped_dirs(&self) -> &'static [&'static str] {
        &[]
    }

    /// Files that belong with the files the walk found, though the walk does not reach
    /// them, with their kinds.
    fn companions(&self, _found: &[PathBuf], _fs: &dyn FileSystem) -> Vec<(PathBuf, FileKind)> {
        Vec::new()
    }

    /// What the language has to say about the walk as a whole ([`Notice`]). `found`: every
    /// file the walk found, claimed or not.
    fn notices(&self, _found: &[PathBuf], _fs: &dyn FileSystem) -> Vec<Notice> {
        Vec::new()
    }

    /// Whether the language claims a file by its name.
    fn claim_name(&self, path: &Path) -> Option<Claim>;

    /// For a name claimed with [`Claim::Content`]: the kind, when the text is this
    /// language's (a cheap test; parsing confirms it).
    fn claim_content(&self, path: &Path, text: &str) -> Option<FileKind>;

    /// Whether a kind is one of this language's.
    fn owns(&self, kind: FileKind) -> bool;

    fn parse(&self, id: FileId, kind: FileKind, text: &str) -> Parsed;

    /// The comments of a file of this language (where suppressions are written).
    fn comments(&self, kind: FileKind, text: &str) -> Vec<Comment>;

    /// What links a parsed file of this language to others (see [`super::units`]).
    fn links(&self, file: &ParsedFile, path: &Path, text: &str) -> Links;

    /// This language's units among `files` (indexes into it; other languages' files are
    /// ignored).
    fn units(
        &self,
        files: &[(FileId, &Links)],
        paths: &dyn Fn(FileId) -> PathBuf,
        options: &LowerOptions,
        trees: &Trees<'_>,
    ) -> Vec<Vec<usize>>;

    /// Where a file goes when the units could not be computed (a bug): files with the same
    /// key are one unit.
    fn fallback_unit(&self, path: &Path) -> PathBuf;

    /// Lowers this language's files among `files` into `graph`, within the unit's
    /// evaluation budget.
    fn lower(
        &self,
        files: &[&ParsedFile],
        paths: &dyn Fn(FileId) -> PathBuf,
        options: &LowerOptions,
        budget: &Budget,
        graph: &mut Graph,
        errors: &mut Vec<LowerError>,
    );

    /// Findings after the rules ran, merged as the language needs (CloudFormation: copies
    /// of a finding across condition combinations).
    fn merge(&self, _graph: &Graph, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        findings
    }
}

/// The languages, in the order they are asked about a file.
pub static LANGUAGES: &[&dyn Language] = &[
    &super::terraform::language::Terraform,
    &super::cloudformation::language::CloudFormation,
];

/// The language of a kind.
#[must_use]
pub fn language_of(kind: FileKind) -> &'static dyn Language {
    *LANGUAGES
        .iter()
        .find(|l| l.owns(kind))
        .expect("every kind has a language")
}

/// Whether some language claims a file by its name (only those files are read).
#[must_use]
pub fn claims_name(path: &Path) -> bool {
    LANGUAGES.iter().any(|l| l.claim_name(path).is_some())
}

/// The kind of a file, from its name and text; `None` when no language claims it.
#[must_use]
pub fn classify(path: &Path, text: &str) -> Option<FileKind> {
    LANGUAGES.iter().find_map(|l| match l.claim_name(path)? {
        Claim::Kind(kind) => Some(kind),
        Claim::Content => l.claim_content(path, text),
    })
}

/// Parses a file of a kind.
#[must_use]
pub fn parse(id: FileId, kind: FileKind, text: &str) -> Parsed {
    language_of(kind).parse(id, kind, text)
}

/// The comments of a file of a kind.
#[must_use]
pub fn comments(kind: FileKind, text: &str) -> Vec<Comment> {
    language_of(kind).comments(kind, text)
}

/// Findings merged as each language needs.
#[must_use]
pub fn merge(graph: &Graph, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    LANGUAGES
        .iter()
        .fold(findings, |findings, l| l.merge(graph, findings))
}

/// The units when computing them panicked: each language's fallback grouping.
#[must_use]
pub fn fallback_units(
    files: &[(FileId, &Links)],
    paths: &dyn Fn(FileId) -> PathBuf,
) -> Vec<Vec<usize>> {
    let mut units: Vec<(PathBuf, Vec<usize>)> = Vec::new();
    for (i, (file, links)) in files.iter().enumerate() {
        let path = paths(*file);
        let key = links.language().fallback_unit(&path);
        match units.iter_mut().find(|(k, _)| *k == key) {
            Some((_, unit)) => unit.push(i),
            None => units.push((key, vec![i])),
        }
    }
    units.into_iter().map(|(_, unit)| unit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_name_and_content() {
        let template = "Resources:\n  X:\n    Type: AWS::EC2::VPC\n";
        assert_eq!(
            classify(Path::new("a/main.tf"), ""),
            Some(FileKind::Terraform)
        );
        // Terraform's selection is case-sensitive and ignores hidden files and backups.
        for ignored in ["a/Main.TF", "a/.main.tf", "a/main.tf~", "a/#main.tf#"] {
            assert_eq!(classify(Path::new(ignored), ""), None, "{ignored}");
        }
        assert_eq!(
            classify(Path::new("a.tf.json"), "{}"),
            Some(FileKind::TerraformJson)
        );
        assert_eq!(
            classify(Path::new("x.tfvars.json"), "{}"),
            Some(FileKind::TerraformVarsJson)
        );
        assert_eq!(
            classify(Path::new("t.yml"), template),
            Some(FileKind::CloudFormationYaml)
        );
        assert_eq!(
            classify(Path::new("t.template"), template),
            Some(FileKind::CloudFormationYaml)
        );
        assert_eq!(classify(Path::new("ci.yaml"), "jobs: {}\n"), None);
        assert_eq!(classify(Path::new("package.json"), "{}"), None);
        assert_eq!(classify(Path::new("README.md"), template), None);
    }
}
