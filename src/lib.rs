//! vpclint: a static linter for AWS network designs written in Terraform and
//! CloudFormation. See ARCHITECTURE.md for the map of the code.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod emit;
pub mod graph;
pub mod lower;
pub(crate) mod lsp;
pub mod model;
pub mod module_sources;
pub mod reach;
pub mod rules;
pub mod source;
pub(crate) mod suppress;
pub mod syntax;
