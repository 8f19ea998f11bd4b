//! Byte offsets from the parser's character markers: saphyr counts characters, spans are
//! bytes, and the conversion is done in strides so that it stays linear. When saphyr reads
//! a repaired copy of the text (`repair.rs`), its positions are first mapped back past the
//! inserted spaces.

use saphyr_parser::Marker;

use super::repair::Shift;

/// Converts saphyr's character-index markers into byte offsets.
pub(super) struct Offsets<'a> {
    pub(super) text: &'a str,
    pub(super) ascii: bool,
    /// Byte offset of every `STRIDE`-th character.
    pub(super) checkpoints: Vec<usize>,
    /// Where the parser's input differs from `text` (a repaired copy), sorted.
    pub(super) shifts: Vec<Shift>,
}

pub(super) const STRIDE: usize = 64;

impl<'a> Offsets<'a> {
    pub(super) fn new(text: &'a str, shifts: Vec<Shift>) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(offset, _)| offset)
                .collect()
        };
        Offsets {
            text,
            ascii,
            checkpoints,
            shifts,
        }
    }

    /// The character index in `text` of the parser's character index `index`: a position
    /// inside inserted spaces is the position they were inserted at.
    fn original(&self, index: usize) -> usize {
        let mut original = index;
        for shift in &self.shifts {
            match *shift {
                Shift::Inserted { at, len } => {
                    if at >= index {
                        break;
                    }
                    if index < at + len {
                        return original - (index - at);
                    }
                    original -= len;
                }
                Shift::Removed { at, len } => {
                    if at > index {
                        break;
                    }
                    original += len;
                }
            }
        }
        original
    }

    pub(super) fn byte(&self, marker: Marker) -> usize {
        let index = self.original(marker.index());
        if self.ascii {
            return index.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(index / STRIDE) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(index % STRIDE)
            .map_or(self.text.len(), |(offset, _)| base + offset)
    }
}
