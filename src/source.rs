//! Source files and spans: byte ranges in a file, turned into 1-based line/column only at
//! the edges (emitters, errors).

pub mod encoding;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    #[must_use]
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(range.start),
            end: clamp(range.end.max(range.start)),
        }
    }

    #[must_use]
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, as editors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// One file read from disk (or from an editor buffer).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reached from the user's PATH argument; used verbatim in output.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<u32>,
    /// The number of characters before every [`STRIDE`]th byte (moved back to a character
    /// boundary), so that a column is found in constant time whatever the line's length;
    /// empty when the text is ASCII (a byte is a character).
    chars_at: Vec<(u32, u32)>,
}

/// The byte distance between two entries of [`SourceFile`]'s character index.
const STRIDE: usize = 256;

impl SourceFile {
    #[must_use]
    pub fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let mut chars_at = Vec::new();
        if !text.is_ascii() {
            let mut chars = 0u32;
            let mut at = 0;
            while at < text.len() {
                let mut next = (at + STRIDE).min(text.len());
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                chars_at.push((u32::try_from(at).unwrap_or(u32::MAX), chars));
                let n = text[at..next].chars().count();
                chars = chars.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
                at = next.max(at + 1);
            }
        }
        SourceFile {
            path,
            text,
            line_starts,
            chars_at,
        }
    }

    /// The number of characters before a byte offset (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_at.is_empty() {
            return offset;
        }
        let i = self
            .chars_at
            .partition_point(|&(at, _)| at as usize <= offset)
            .saturating_sub(1);
        let (at, chars) = self.chars_at[i];
        chars as usize + self.text[at as usize..offset].chars().count()
    }

    /// The 1-based line and column of a byte offset (clamped to the text, and to a char
    /// boundary).
    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = (offset as usize).min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        let start = self.line_starts[line] as usize;
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.chars_before(end) - self.chars_before(start) + 1;
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The length in bytes of a 1-based line (without its newline); 0 past the last line.
    #[must_use]
    pub fn line_len(&self, line: u32) -> usize {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return 0;
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        end.saturating_sub(start as usize)
    }

    /// The byte offset of a 1-based line and column (the inverse of [`Self::line_col`]).
    #[must_use]
    pub fn offset(&self, line_col: LineCol) -> usize {
        let line = (line_col.line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let rest = &self.text[start as usize..];
        let column = (line_col.column as usize).saturating_sub(1);
        start as usize
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i)
    }
}

/// Every file of one run, indexed by [`FileId`]. Files are shared (`Arc`): a report's map is
/// a cheap copy of the session's, and a session replaces one file without copying the others.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(Arc::new(file));
        id
    }

    /// Puts a new version of a file under its id (its path may not change).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = Arc::new(file);
    }

    #[must_use]
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), &**f))
    }
}

/// Lexical normalisation: `a/./b/../c` → `a/c`, without touching the file system (symbolic
/// links are not followed). Leading `..` of a relative path are kept; `..` at the root is
/// the root. The one normaliser of the crate.
#[must_use]
pub fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_long_lines_count_characters_as_a_walk_does() {
        // Lines far longer than the index's stride, with multi-byte characters across its
        // boundaries.
        let mut text = String::new();
        for i in 0..3000 {
            text.push(match i % 7 {
                0 => 'é',
                3 => '😀',
                _ => 'a',
            });
            if i % 1000 == 999 {
                text.push('\n');
            }
        }
        let f = SourceFile::new("a".into(), text.clone());
        for (offset, _) in text.char_indices().step_by(37) {
            let start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
            let column = text[start..offset].chars().count() + 1;
            let line = text[..offset].matches('\n').count() + 1;
            let expected = LineCol {
                line: u32::try_from(line).unwrap(),
                column: u32::try_from(column).unwrap(),
            };
            assert_eq!(
                f.line_col(u32::try_from(offset).unwrap()),
                expected,
                "{offset}"
            );
        }
    }

    #[test]
    fn line_col_is_one_based_and_counts_chars() {
        let f = SourceFile::new("a".into(), "ab\nçd = 1\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes: 'd' is at byte 5, column 2.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset(LineCol { line: 2, column: 2 }), 5);
        // Past the end clamps.
        assert_eq!(f.line_col(1000).line, 3);
    }
}
