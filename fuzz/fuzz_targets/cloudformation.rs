//! The YAML and JSON parsers on arbitrary text: never a panic, spans inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::syntax::tree::{Node, Value};
use vpclint::syntax::{json, yaml};

fn check_spans(node: &Node, len: usize, depth: usize) {
    assert!(node.span.start <= node.span.end && node.span.end <= len);
    if depth > 600 {
        return;
    }
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_spans(n, len, depth + 1)),
        Value::Map(entries) => {
            for e in entries {
                assert!(e.key_span.end <= len);
                check_spans(&e.value, len, depth + 1);
            }
        }
        Value::Tagged(_, inner) => check_spans(inner, len, depth + 1),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [yaml::parse(text), json::parse(text)] {
        for e in &parsed.errors {
            assert!(e.range.start <= e.range.end && e.range.end <= text.len(), "{e:?}");
        }
        if let Some(root) = &parsed.tree {
            check_spans(root, text.len(), 0);
        }
    }
});
