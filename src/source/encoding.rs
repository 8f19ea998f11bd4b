//! Text encodings of source files: UTF-8 (with or without a byte order mark), and UTF-16 and
//! UTF-32 with a byte order mark, which CloudFormation accepts. Everything else is an error
//! located at the first byte that cannot be decoded, never a file skipped in silence.

/// A file that is not text vpclint can read, with the 1-based line and column (in characters
/// of what decoded) of the first problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    pub message: String,
    pub line: u32,
    pub column: u32,
    /// The encoding the bytes look like when they carry no byte order mark (`UTF-16LE`, …),
    /// decoded as far as it goes: enough for a language to say whether the file is one of
    /// its own, and so whether the problem is an error or a file to skip.
    pub guessed: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Utf32Le => "UTF-32LE",
            Encoding::Utf32Be => "UTF-32BE",
        }
    }

    /// The encoding a byte order mark at the start names, with the mark's length.
    fn from_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
        // UTF-32LE's mark begins with UTF-16LE's: test it first.
        match bytes {
            [0xFF, 0xFE, 0, 0, ..] => Some((Encoding::Utf32Le, 4)),
            [0, 0, 0xFE, 0xFF, ..] => Some((Encoding::Utf32Be, 4)),
            [0xFF, 0xFE, ..] => Some((Encoding::Utf16Le, 2)),
            [0xFE, 0xFF, ..] => Some((Encoding::Utf16Be, 2)),
            _ => None,
        }
    }

    /// Without a mark: the pattern of zero bytes that ASCII text leaves in its first four
    /// bytes (as RFC 4627 detects JSON's encoding).
    fn sniff(bytes: &[u8]) -> Option<Encoding> {
        match bytes {
            [0, 0, 0, a, ..] if *a != 0 => Some(Encoding::Utf32Be),
            [a, 0, 0, 0, ..] if *a != 0 => Some(Encoding::Utf32Le),
            [0, a, 0, b, ..] if *a != 0 && *b != 0 => Some(Encoding::Utf16Be),
            [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Some(Encoding::Utf16Le),
            _ => None,
        }
    }

    /// Decodes `bytes` (without the mark) as far as they are valid: the text, and whether
    /// it stopped early.
    fn decode(self, bytes: &[u8]) -> (String, bool) {
        let mut out = String::with_capacity(bytes.len() / 2);
        match self {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let units = bytes.chunks_exact(2).map(|c| match self {
                    Encoding::Utf16Le => u16::from_le_bytes([c[0], c[1]]),
                    _ => u16::from_be_bytes([c[0], c[1]]),
                });
                for c in char::decode_utf16(units) {
                    match c {
                        Ok(c) => out.push(c),
                        Err(_) => return (out, true),
                    }
                }
                (out, !bytes.len().is_multiple_of(2))
            }
            Encoding::Utf32Le | Encoding::Utf32Be => {
                for c in bytes.chunks_exact(4) {
                    let unit = match self {
                        Encoding::Utf32Le => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                        _ => u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                    };
                    match char::from_u32(unit) {
                        Some(c) => out.push(c),
                        None => return (out, true),
                    }
                }
                (out, !bytes.len().is_multiple_of(4))
            }
        }
    }
}

/// The text of a source file: UTF-8 without its byte order mark, or UTF-16/UTF-32 decoded
/// when a byte order mark says which.
///
/// # Errors
/// Bytes that are not valid in their encoding, or text in UTF-16/UTF-32 without a byte order
/// mark (a reader cannot know its encoding for sure; CloudFormation needs the mark): the
/// located problem.
pub fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest.to_vec());
    }
    if let Some((encoding, mark)) = Encoding::from_bom(&bytes) {
        let (text, stopped) = encoding.decode(&bytes[mark..]);
        if stopped {
            return Err(located(
                &text,
                format!("the file is not valid {}", encoding.name()),
                None,
            ));
        }
        return Ok(text);
    }
    if let Some(encoding) = Encoding::sniff(&bytes) {
        let (text, _) = encoding.decode(&bytes);
        return Err(Undecodable {
            guessed: Some(text),
            ..located(
                "",
                format!(
                    "the file looks like {} without a byte order mark; save it as UTF-8, or with a byte order mark",
                    encoding.name()
                ),
                None,
            )
        });
    }
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, Undecodable> {
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let guessed = String::from_utf8_lossy(err.as_bytes()).into_owned();
        located(
            valid,
            "the file is not valid UTF-8".to_owned(),
            Some(guessed),
        )
    })
}

/// The problem located just after `valid`, the text decoded before it.
fn located(valid: &str, message: String, guessed: Option<String>) -> Undecodable {
    let line = valid.matches('\n').count() + 1;
    let column = valid.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Undecodable {
        message,
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        guessed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Resources:\n  V:\n    Type: AWS::EC2::VPC # é 😀\n";

    fn with_bom(encoding: &str) -> Vec<u8> {
        let mut out = Vec::new();
        match encoding {
            "utf-16le" => {
                out.extend([0xFF, 0xFE]);
                TEXT.encode_utf16()
                    .for_each(|u| out.extend(u.to_le_bytes()));
            }
            "utf-16be" => {
                out.extend([0xFE, 0xFF]);
                TEXT.encode_utf16()
                    .for_each(|u| out.extend(u.to_be_bytes()));
            }
            "utf-32le" => {
                out.extend([0xFF, 0xFE, 0, 0]);
                TEXT.chars()
                    .for_each(|c| out.extend(u32::from(c).to_le_bytes()));
            }
            "utf-32be" => {
                out.extend([0, 0, 0xFE, 0xFF]);
                TEXT.chars()
                    .for_each(|c| out.extend(u32::from(c).to_be_bytes()));
            }
            _ => unreachable!(),
        }
        out
    }

    #[test]
    fn every_encoding_with_a_byte_order_mark_decodes() {
        for encoding in ["utf-16le", "utf-16be", "utf-32le", "utf-32be"] {
            assert_eq!(
                decode(with_bom(encoding)).as_deref(),
                Ok(TEXT),
                "{encoding}"
            );
        }
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend(TEXT.as_bytes());
        assert_eq!(decode(utf8).as_deref(), Ok(TEXT));
        assert_eq!(decode(TEXT.as_bytes().to_vec()).as_deref(), Ok(TEXT));
    }

    #[test]
    fn invalid_text_is_located_at_its_first_bad_character() {
        let err = decode(b"a = 1\nb = \"\xFF\"\n".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert_eq!(err.message, "the file is not valid UTF-8");
        // An unpaired surrogate on the second line of a UTF-16LE file.
        let mut bytes = vec![0xFF, 0xFE];
        "x\nab"
            .encode_utf16()
            .for_each(|u| bytes.extend(u.to_le_bytes()));
        bytes.extend(0xD800u16.to_le_bytes());
        bytes.extend(u16::from(b'c').to_le_bytes());
        let err = decode(bytes).unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
        assert_eq!(err.message, "the file is not valid UTF-16LE");
    }

    #[test]
    fn text_without_a_byte_order_mark_is_named_and_decoded_for_a_guess() {
        let mut bytes = Vec::new();
        TEXT.encode_utf16()
            .for_each(|u| bytes.extend(u.to_le_bytes()));
        let err = decode(bytes).unwrap_err();
        assert!(
            err.message.contains("UTF-16LE without a byte order mark"),
            "{err:?}"
        );
        assert_eq!(err.guessed.as_deref(), Some(TEXT));
        assert_eq!((err.line, err.column), (1, 1));
    }
}
