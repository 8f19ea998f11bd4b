//! Byte offsets from the parser's character markers: saphyr counts characters, spans are
//! bytes, and the conversion is done in strides so that it stays linear.

use saphyr_parser::Marker;

/// Converts saphyr's character-index markers into byte offsets.
pub(super) struct Offsets<'a> {
    pub(super) text: &'a str,
    pub(super) ascii: bool,
    /// Byte offset of every `STRIDE`-th character.
    pub(super) checkpoints: Vec<usize>,
}

pub(super) const STRIDE: usize = 64;

impl<'a> Offsets<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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
        }
    }

    pub(super) fn byte(&self, marker: Marker) -> usize {
        let index = marker.index();
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
