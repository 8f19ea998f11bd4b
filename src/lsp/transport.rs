//! The language server's stdio transport: `Content-Length` framing in, JSON-RPC messages
//! out, on two threads, as `lsp-server`'s own, except that what a client sends wrong never
//! stops the server (issue 19): a message that is not JSON, not an object, or neither a
//! request nor a notification is answered with a JSON-RPC error (parse error or invalid
//! request) when it can be, and logged; a `Content-Length` over [`MAX_MESSAGE`] is read past
//! without being held; a header block without one is skipped.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{bounded, select, unbounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, RequestId};

/// The largest message body kept (editors send whole documents: 64 MiB is far above any
/// file vpclint checks, and far below what would exhaust memory).
pub const MAX_MESSAGE: usize = 64 << 20;

/// The threads of a connection: join them once the connection is dropped.
pub struct Threads {
    reader: thread::JoinHandle<io::Result<()>>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for both threads.
    ///
    /// # Errors
    /// The first IO error of either.
    pub fn join(self) -> io::Result<()> {
        let reader = self
            .reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("reader panicked")));
        let writer = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
        reader.and(writer)
    }
}

/// A connection over `input` and `output` (the process's stdin and stdout in `vpclint lsp`).
pub fn connect(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Connection, Threads) {
    let (writer_sender, writer_receiver) = bounded::<Message>(0);
    let (reader_sender, reader_receiver) = bounded::<Message>(0);
    // The transport's own answers (errors for what is not a message, `id` null possible).
    let (errors, error_receiver) = unbounded::<serde_json::Value>();
    let writer = thread::Builder::new()
        .name("vpclint-lsp-writer".to_owned())
        .spawn(move || write_all(&writer_receiver, &error_receiver, output))
        .expect("a thread");
    let reader = thread::Builder::new()
        .name("vpclint-lsp-reader".to_owned())
        .spawn(move || read_all(input, &reader_sender, &errors))
        .expect("a thread");
    (
        Connection {
            sender: writer_sender,
            receiver: reader_receiver,
        },
        Threads { reader, writer },
    )
}

/// Writes the server's messages and the transport's answers until the server's sender is
/// dropped.
fn write_all(
    messages: &Receiver<Message>,
    answers: &Receiver<serde_json::Value>,
    mut output: impl Write,
) -> io::Result<()> {
    loop {
        select! {
            recv(messages) -> message => match message {
                Ok(message) => message.write(&mut output)?,
                Err(_) => return Ok(()),
            },
            recv(answers) -> answer => if let Ok(answer) = answer {
                let text = answer.to_string();
                write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
                output.flush()?;
            },
        }
    }
}

/// What one frame held.
enum Frame {
    Body(Vec<u8>),
    /// A body over the size limit (read past) or headers without a length: nothing to
    /// parse, why.
    Skipped(String),
    End,
}

fn read_all(
    mut input: impl BufRead,
    messages: &Sender<Message>,
    errors: &Sender<serde_json::Value>,
) -> io::Result<()> {
    loop {
        let body = match read_frame(&mut input)? {
            Frame::End => return Ok(()),
            Frame::Skipped(why) => {
                eprintln!("vpclint lsp: {why}");
                continue;
            }
            Frame::Body(body) => body,
        };
        match parse(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if messages.send(message).is_err() || exit {
                    return Ok(());
                }
            }
            Err(refused) => {
                eprintln!("vpclint lsp: {}", refused.why);
                // A notification gets no answer; anything that may be a request does (with
                // `id` null when its id could not be read).
                if let Some(id) = refused.id {
                    let _ = errors.send(serde_json::json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": {"code": refused.code as i32, "message": refused.why},
                    }));
                }
            }
        }
    }
}

/// Reads one frame's headers and body. Headers other than `Content-Length` are ignored.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        // A header line is short; a stream without line ends is not a header.
        let n = input.by_ref().take(8192).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(Frame::End);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any {
                break;
            }
            continue;
        }
        any = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                match value.trim().parse::<u64>() {
                    Ok(n) if usize::try_from(n).is_ok_and(|n| n <= MAX_MESSAGE) => {
                        length = Some(usize::try_from(n).expect("checked"));
                    }
                    Ok(n) => {
                        skip(input, n)?;
                        return Ok(Frame::Skipped(format!(
                            "a message of {n} bytes (over {MAX_MESSAGE}) was read past, not parsed"
                        )));
                    }
                    Err(_) => {}
                }
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Skipped(
            "a header block without a valid Content-Length was skipped".to_owned(),
        ));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Frame::Body(body))
}

/// Reads past `n` bytes without holding them (a body over the limit: its headers ended
/// before it, so skip the rest of the headers first).
fn skip(input: &mut impl BufRead, n: u64) -> io::Result<()> {
    // The blank line that ends the headers comes before the body.
    loop {
        let mut line = Vec::new();
        if input.by_ref().take(8192).read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            break;
        }
    }
    io::copy(&mut input.by_ref().take(n), &mut io::sink()).map(|_| ())
}

/// Why a body is not a message, and how to answer it.
struct Refused {
    /// The id to answer with: the request's, `null` when it could not be read; `None` for
    /// a notification (no answer).
    id: Option<serde_json::Value>,
    code: ErrorCode,
    why: String,
}

/// A JSON-RPC message, or the error to answer it with.
fn parse(body: &[u8]) -> Result<Message, Refused> {
    let refused = |id, code, why: String| Refused { id, code, why };
    let null = Some(serde_json::Value::Null);
    let text = std::str::from_utf8(body).map_err(|e| {
        refused(
            null.clone(),
            ErrorCode::ParseError,
            format!("a message is not UTF-8: {e}"),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        refused(
            null.clone(),
            ErrorCode::ParseError,
            format!("a message is not JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(refused(
            null,
            ErrorCode::InvalidRequest,
            "a message is not a JSON object".to_owned(),
        ));
    }
    let has = |key: &str| value.get(key).is_some();
    let shaped = has("method") || has("result") || has("error");
    match serde_json::from_value::<Message>(value.clone()) {
        Ok(message) if shaped => Ok(message),
        _ => {
            // An answer only to what has an id a request could have.
            let id = value
                .get("id")
                .filter(|id| serde_json::from_value::<RequestId>((*id).clone()).is_ok())
                .cloned();
            Err(refused(
                id,
                ErrorCode::InvalidRequest,
                "a message is neither a request, a notification nor a response".to_owned(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// Runs the reader over `input`; the messages passed on, and the errors answered.
    fn read(input: Vec<u8>) -> (Vec<Message>, Vec<serde_json::Value>) {
        let (messages, got) = crossbeam_channel::unbounded();
        let (errors, answered) = crossbeam_channel::unbounded();
        read_all(io::Cursor::new(input), &messages, &errors).unwrap();
        (got.try_iter().collect(), answered.try_iter().collect())
    }

    #[test]
    fn malformed_messages_are_answered_and_the_next_one_is_read() {
        let mut input = Vec::new();
        input.extend(frame("{not json"));
        input.extend(frame("[1, 2]"));
        input.extend(frame(r#"{"jsonrpc": "2.0", "id": 7}"#));
        input.extend(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
        input.extend(b"X-Other: 1\r\n\r\n");
        input.extend(frame(
            r#"{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}"#,
        ));
        // A body over the limit is read past, not held: here the rest of the stream.
        input.extend(b"Content-Length: 100000000000\r\n\r\n{\"a\": 1}");
        let (messages, errors) = read(input);
        assert!(
            matches!(messages.as_slice(), [Message::Request(r)] if r.method == "shutdown"),
            "{messages:?}"
        );
        let codes: Vec<(serde_json::Value, i64)> = errors
            .iter()
            .map(|e| (e["id"].clone(), e["error"]["code"].as_i64().unwrap()))
            .collect();
        let (parse, invalid) = (
            ErrorCode::ParseError as i64,
            ErrorCode::InvalidRequest as i64,
        );
        assert_eq!(
            codes,
            [
                (serde_json::Value::Null, parse),
                (serde_json::Value::Null, invalid),
                (serde_json::json!(7), invalid),
                (serde_json::Value::Null, parse),
            ]
        );
    }
}
