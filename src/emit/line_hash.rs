//! GitHub code scanning's `primaryLocationLineHash`: the value `github/codeql-action`'s
//! `upload-sarif` computes for a result that has none, reimplemented so that vpclint's SARIF
//! carries it however it is uploaded (the REST API and other uploaders compute nothing), and
//! so that `upload-sarif` finds the value it would have computed (it warns about a
//! different one and keeps it).
//!
//! The algorithm, as that action documents it: for every line, a polynomial rolling hash
//! (base 37, wrapping 64-bit arithmetic) of the first 100 characters from the start of the
//! line, skipping spaces and tabs, with `\r\n` and `\r` read as `\n`, and the text followed by
//! an end-of-file mark (65535) and zeros; "characters" are UTF-16 code units. The value is
//! the hash in lower-case hexadecimal, then `:` and how many lines of the file so far had
//! the same hash (`…:1` for the first). It depends on the text from the line on, not on the
//! line number: inserting lines above a finding keeps it.

/// Characters hashed from the start of each line.
const WINDOW: usize = 100;
const BASE: i64 = 37;
/// What the end of the text is read as (after the last character).
const END: u16 = 0xFFFF;

/// The hash of every line of `text`, by 0-based line index. A text ending with a newline has
/// one more (empty) line after it, as the action counts lines.
#[must_use]
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut hasher = Hasher::new();
    for unit in text.encode_utf16() {
        hasher.push(unit);
    }
    hasher.push(END);
    hasher.finish()
}

struct Hasher {
    /// The last `WINDOW` characters pushed, as a ring.
    window: [u16; WINDOW],
    /// For each ring slot, the 1-based number of the line that starts with that character.
    starts: [Option<usize>; WINDOW],
    at: usize,
    hash: i64,
    /// `BASE` to the power `WINDOW`: the weight of the character leaving the window.
    leaving: i64,
    lines: usize,
    line_start: bool,
    after_cr: bool,
    seen: std::collections::HashMap<u64, usize>,
    out: Vec<String>,
}

impl Hasher {
    fn new() -> Self {
        let mut leaving: i64 = 1;
        for _ in 0..WINDOW {
            leaving = leaving.wrapping_mul(BASE);
        }
        Hasher {
            window: [0; WINDOW],
            starts: [None; WINDOW],
            at: 0,
            hash: 0,
            leaving,
            lines: 0,
            line_start: true,
            after_cr: false,
            seen: std::collections::HashMap::new(),
            out: Vec::new(),
        }
    }

    fn push(&mut self, unit: u16) {
        let lf = u16::from(b'\n');
        let is_blank = unit == u16::from(b' ') || unit == u16::from(b'\t');
        if is_blank || (self.after_cr && unit == lf) {
            self.after_cr = false;
            return;
        }
        let unit = if unit == u16::from(b'\r') {
            self.after_cr = true;
            lf
        } else {
            self.after_cr = false;
            unit
        };
        // The slot about to be overwritten began a line 100 characters ago: its hash covers
        // exactly the characters since.
        if self.starts[self.at].is_some() {
            self.emit();
        }
        if self.line_start {
            self.line_start = false;
            self.lines += 1;
            self.starts[self.at] = Some(self.lines);
        }
        if unit == lf {
            self.line_start = true;
        }
        self.roll(unit);
    }

    fn roll(&mut self, unit: u16) {
        let leaving = i64::from(self.window[self.at]);
        self.window[self.at] = unit;
        self.hash = BASE
            .wrapping_mul(self.hash)
            .wrapping_add(i64::from(unit))
            .wrapping_sub(self.leaving.wrapping_mul(leaving));
        self.at = (self.at + 1) % WINDOW;
    }

    fn emit(&mut self) {
        // The bits of the signed hash, read as unsigned.
        let value = u64::from_ne_bytes(self.hash.to_ne_bytes());
        let count = self.seen.entry(value).or_insert(0);
        *count += 1;
        let line = self.starts[self.at].take().expect("a line starts here");
        debug_assert_eq!(line, self.out.len() + 1, "lines are hashed in order");
        self.out.push(format!("{value:x}:{count}"));
    }

    fn finish(mut self) -> Vec<String> {
        for _ in 0..WINDOW {
            if self.starts[self.at].is_some() {
                self.emit();
            }
            self.roll(0);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::line_hashes;

    /// The expected values are those of `github/codeql-action`'s own tests of its
    /// fingerprinting (`src/fingerprints.test.ts`), so that vpclint's values are the ones
    /// `upload-sarif` computes.
    #[test]
    fn matches_the_values_of_codeql_action() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
        let with_newline = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), with_newline, "{text:?}");
        }
        let mut repeated = vec!["a7f2ff13bc495cf2"; 6];
        repeated.extend([
            "a7f2ff1481e87703",
            "a9cf91f7bbf1862b",
            "55ec222b86bcae53",
            "cc97dc7b1d7d8f7b",
            "c129715d7a2bc9a3",
        ]);
        let expected: Vec<String> = repeated
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{h}:{}", if i < 6 { i + 1 } else { 1 }))
            .collect();
        assert_eq!(
            line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10)),
            expected
        );
    }

    #[test]
    fn a_line_keeps_its_hash_when_lines_are_inserted_above() {
        let text = "a = 1\nresource \"x\" \"y\" {\n  t = \"m4.large\"\n}\n";
        let before = line_hashes(text);
        let after = line_hashes(&format!("# comment\n\n{text}"));
        assert_eq!(before[2], after[4]);
        assert_ne!(before[1], before[2]);
    }
}
