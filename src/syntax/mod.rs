//! Text → spanned syntax trees. Knows nothing about AWS, rules or the model.
//!
//! Every parser here returns what it could build plus a list of errors with byte ranges:
//! parsing never fails as a whole.

use std::ops::Range;

pub mod cloudformation;
pub mod comments;
pub mod directive;
pub mod hcl;
pub mod json;
pub mod terraform;
pub mod terraform_json;
pub mod tree;
pub mod yaml;

/// A syntax error at a byte range of the file being parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    pub message: String,
}

impl SyntaxError {
    pub fn new(range: Range<usize>, message: impl Into<String>) -> Self {
        SyntaxError {
            range,
            message: message.into(),
        }
    }
}

/// What a parser built, and what it could not parse.
#[derive(Debug)]
pub struct Parsed<T> {
    pub tree: T,
    pub errors: Vec<SyntaxError>,
}
