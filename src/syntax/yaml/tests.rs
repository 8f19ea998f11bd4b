//! Tests of the YAML reader.

use super::scalars::CFN_TAGS;
use super::*;

fn ok(text: &str) -> Node {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
    parsed.tree.expect("a tree")
}

fn at<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    &text[range.clone()]
}

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn number(s: &str) -> Value {
    Value::Number(s.to_owned())
}

/// Checks that every span (keys included) is a valid byte range of `text`, iteratively.
fn check_spans(text: &str, root: &Node) {
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        assert!(text.get(node.span.clone()).is_some(), "{:?}", node.span);
        match &node.value {
            Value::Seq(items) => todo.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    assert!(text.get(entry.key_span.clone()).is_some());
                    todo.push(&entry.value);
                }
            }
            Value::Tagged(_, inner) => todo.push(inner),
            _ => {}
        }
    }
}

/// `(function name, argument)` of a short form, with the tag's text.
fn intrinsic<'n>(text: &'n str, node: &'n Node) -> (&'n str, &'n str, &'n Node) {
    let entry = &node.as_map().expect("a map")[0];
    assert_eq!(node.as_map().map(<[Entry]>::len), Some(1));
    assert_eq!(node.span.start, entry.key_span.start);
    assert_eq!(node.span.end, entry.value.span.end);
    (entry.key.as_str(), at(text, &entry.key_span), &entry.value)
}

#[test]
fn plain_scalar_resolution() {
    let text = "[null, Null, NULL, ~, true, True, TRUE, false, FALSE, 10, -5, +3, 0o17, 0x1F, \
                    1.5, -.5, 1e3, 2.5E-3, .inf, -.Inf, .NaN, yes, no, on, 0x, 1_000, 'true', \"10\", nULL, !!null ]";
    let root = ok(text);
    let values: Vec<_> = root
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| n.value.clone())
        .collect();
    let mut expected = vec![Value::Null; 4];
    expected.extend([true, true, true, false, false].map(Value::Bool));
    expected.extend(
        [
            "10", "-5", "+3", "0o17", "0x1F", "1.5", "-.5", "1e3", "2.5E-3", ".inf", "-.Inf",
            ".NaN",
        ]
        .map(number),
    );
    expected.extend(["yes", "no", "on", "0x", "1_000", "true", "10", "nULL"].map(string));
    expected.push(Value::Null);
    assert_eq!(values, expected);
    assert_eq!(ok("a:").get("a").unwrap().value, Value::Null);
}

#[test]
fn core_tags() {
    let text = "a: !!str 10\nb: !!int 10\nc: !!float 1\nd: !!bool true\ne: !!null x\n\
                    f: !!map {k: v}\ng: !!seq [1]\nh: !!binary aGk=\n";
    let root = ok(text);
    assert_eq!(root.get("a").unwrap().value, string("10"));
    assert_eq!(at(text, &root.get("a").unwrap().span), "!!str 10");
    assert_eq!(root.get("b").unwrap().value, number("10"));
    assert_eq!(root.get("c").unwrap().value, number("1"));
    assert_eq!(root.get("d").unwrap().value, Value::Bool(true));
    assert_eq!(root.get("e").unwrap().value, Value::Null);
    assert!(root.get("f").unwrap().get("k").is_some());
    assert_eq!(root.get("g").unwrap().as_seq().map(<[Node]>::len), Some(1));
    let Value::Tagged(tag, inner) = &root.get("h").unwrap().value else {
        panic!("tagged")
    };
    assert_eq!((tag.as_str(), &inner.value), ("!!binary", &string("aGk=")));

    let parsed = parse("a: !!int abc\nb: !!seq {}\n");
    let messages: Vec<_> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "\"abc\" is not a valid !!int",
            "tag !!seq cannot be applied to a mapping"
        ]
    );
    assert_eq!(parsed.errors[0].range, 3..8);
}

#[test]
fn every_short_form_tag_on_scalars() {
    for (tag, key) in CFN_TAGS {
        let text = format!("V: !{tag} x\n");
        let root = ok(&text);
        let node = root.get("V").unwrap();
        let (name, tag_text, value) = intrinsic(&text, node);
        assert_eq!(name, *key);
        assert_eq!(tag_text, format!("!{tag}"));
        assert_eq!(value.value, string("x"));
        assert_eq!(at(&text, &value.span), "x");
        assert_eq!(at(&text, &node.span), format!("!{tag} x"));
        assert_eq!(node.as_intrinsic().map(|(k, _)| k), Some(*key));
    }
}

#[test]
fn every_short_form_tag_on_sequences_and_mappings() {
    for (tag, key) in CFN_TAGS {
        let text =
            format!("A: !{tag} [a, b]\nB: !{tag}\n  - a\nC: !{tag} {{k: v}}\nD: !{tag}\n  k: v\n");
        let root = ok(&text);
        for (field, value_text) in [
            ("A", "[a, b]"),
            ("B", "- a"),
            ("C", "{k: v}"),
            ("D", "k: v"),
        ] {
            let node = root.get(field).unwrap();
            let (name, tag_text, value) = intrinsic(&text, node);
            assert_eq!(
                (name, tag_text),
                (*key, format!("!{tag}").as_str()),
                "{field}"
            );
            assert_eq!(at(&text, &value.span), value_text, "{tag} {field}");
            assert!(at(&text, &node.span).starts_with('!'));
        }
        assert_eq!(
            root.get("A")
                .unwrap()
                .get(key)
                .unwrap()
                .as_seq()
                .unwrap()
                .len(),
            2
        );
        assert!(root.get("D").unwrap().get(key).unwrap().get("k").is_some());
    }
}

#[test]
fn short_forms_in_context() {
    let text = "Cidr: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 6, 8]]\n\
                    X: !If [Cond, !Ref a, !Ref b]\n\
                    G1: !GetAtt Vpc.CidrBlock\n\
                    G2: !GetAtt [Vpc, CidrBlock]\n\
                    G3:\n  Fn::GetAtt: [Vpc, CidrBlock]\n\
                    J: !Join [\":\", [a, b]]\n\
                    S: !Sub \"x-${AWS::Region}\"\n\
                    E: !Ref\n";
    let root = ok(text);
    let (name, _, args) = intrinsic(text, root.get("X").unwrap());
    assert_eq!(name, "Fn::If");
    let args = args.as_seq().unwrap();
    assert_eq!(args[0].value, string("Cond"));
    for (arg, target) in args[1..].iter().zip(["a", "b"]) {
        let (name, tag, value) = intrinsic(text, arg);
        assert_eq!((name, tag, &value.value), ("Ref", "!Ref", &string(target)));
    }
    let (_, _, g1) = intrinsic(text, root.get("G1").unwrap());
    assert_eq!(g1.value, string("Vpc.CidrBlock"));
    let (_, _, g2) = intrinsic(text, root.get("G2").unwrap());
    let (_, _, g3) = intrinsic(text, root.get("G3").unwrap());
    for g in [g2, g3] {
        let parts: Vec<_> = g
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.value.clone())
            .collect();
        assert_eq!(parts, [string("Vpc"), string("CidrBlock")]);
    }
    let (_, _, join) = intrinsic(text, root.get("J").unwrap());
    assert_eq!(join.as_seq().unwrap()[0].value, string(":"));
    assert_eq!(join.as_seq().unwrap()[1].as_seq().unwrap().len(), 2);
    let (_, _, sub) = intrinsic(text, root.get("S").unwrap());
    assert_eq!(at(text, &sub.span), "\"x-${AWS::Region}\"");
    let (_, _, select) = intrinsic(text, root.get("Cidr").unwrap());
    let (name, _, cidr) = intrinsic(text, &select.as_seq().unwrap()[1]);
    assert_eq!(name, "Fn::Cidr");
    let (name, _, _) = intrinsic(text, &cidr.as_seq().unwrap()[0]);
    assert_eq!(name, "Fn::GetAtt");
    // A tag with no value: the value is a zero-width null after the tag.
    let (_, _, empty) = intrinsic(text, root.get("E").unwrap());
    assert_eq!(empty.value, Value::Null);
    assert!(empty.span.is_empty());
}

#[test]
fn unknown_tags_are_kept() {
    let text = "M: !Rain::Module\n  Source: x\nF: !Foo bar\n";
    let root = ok(text);
    let Value::Tagged(tag, inner) = &root.get("M").unwrap().value else {
        panic!("tagged")
    };
    assert_eq!(tag, "!Rain::Module");
    assert_eq!(at(text, &inner.span), "Source: x");
    assert_eq!(
        at(text, &root.get("M").unwrap().span),
        "!Rain::Module\n  Source: x"
    );
    let Value::Tagged(tag, inner) = &root.get("F").unwrap().value else {
        panic!("tagged")
    };
    assert_eq!((tag.as_str(), &inner.value), ("!Foo", &string("bar")));
}

#[test]
fn spans() {
    let text = "a: |\n  one\n  two\n\nb: >-\n  x\nc: 'q'\nd:\n  - 1\n  - [2, {e: f}]\n# end\n";
    let root = ok(text);
    assert_eq!(root.span, 0..text.find("}]").unwrap() + 2);
    assert_eq!(at(text, &root.get("a").unwrap().span), "|\n  one\n  two");
    assert_eq!(root.get("a").unwrap().value, string("one\ntwo\n"));
    assert_eq!(at(text, &root.get("b").unwrap().span), ">-\n  x");
    assert_eq!(at(text, &root.get("c").unwrap().span), "'q'");
    let d = root.get("d").unwrap();
    assert_eq!(at(text, &d.span), "- 1\n  - [2, {e: f}]");
    let inner = &d.as_seq().unwrap()[1];
    assert_eq!(at(text, &inner.span), "[2, {e: f}]");
    assert_eq!(at(text, &inner.as_seq().unwrap()[1].span), "{e: f}");
    let entry = root.entry("c").unwrap();
    assert_eq!(at(text, &entry.key_span), "c");
    // Empty values are zero-width.
    let root = ok("a:\nb: 1\n");
    assert_eq!(root.get("a").unwrap().value, Value::Null);
    assert!(root.get("a").unwrap().span.is_empty());
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &base\n  A: 1\n  B: 2\nother: &other {B: 3, C: 4}\n\
                    one:\n  <<: *base\n  B: 20\n\
                    list:\n  <<: [*base, *other]\n  A: 10\n\
                    alias: *base\n\
                    s: &s str\n\
                    t: [*s, *s]\n";
    let root = ok(text);
    let keys = |node: &Node| -> Vec<(String, Value)> {
        node.as_map()
            .unwrap()
            .iter()
            .map(|e| (e.key.clone(), e.value.value.clone()))
            .collect()
    };
    assert_eq!(
        keys(root.get("one").unwrap()),
        [("A".into(), number("1")), ("B".into(), number("20"))]
    );
    assert_eq!(
        keys(root.get("list").unwrap()),
        [
            ("B".into(), number("2")),
            ("C".into(), number("4")),
            ("A".into(), number("10"))
        ]
    );
    let alias = root.get("alias").unwrap();
    assert_eq!(alias, root.get("base").unwrap());
    assert_eq!(at(text, &alias.span), "&base\n  A: 1\n  B: 2");
    let t = root.get("t").unwrap().as_seq().unwrap();
    assert_eq!(t[0].value, string("str"));
    assert_eq!(at(text, &t[1].span), "&s str");
    // An alias as a key uses the anchored scalar's text.
    let root = ok("a: &k key\n*k : v\n");
    assert_eq!(root.get("key").unwrap().value, string("v"));
}

#[test]
fn alias_errors() {
    let parsed = parse("a: *nope\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].range.start, 3);
    let parsed = parse("a: &r [1, *r]\n");
    assert_eq!(parsed.errors[0].message, "recursive alias *r");
    assert_eq!(parsed.errors[0].range, 10..12);
    let parsed = parse("a: {k: v}\n<<: [1]\n");
    assert_eq!(
        parsed.errors[0].message,
        "merge key `<<` expects mappings to merge"
    );
    let parsed = parse("a:\n  <<: 1\n");
    assert_eq!(
        parsed.errors[0].message,
        "merge key `<<` expects a mapping or a sequence of mappings"
    );
}

#[test]
fn billion_laughs_is_bounded() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let items = vec![format!("*{prev}"); 9].join(", ");
        text.extend([name, ": &", name, " [", &items, "]\n"]);
    }
    text.push_str("z: *i\n");
    let start = std::time::Instant::now();
    let parsed = parse(&text);
    assert!(start.elapsed().as_secs() < 20);
    let bombs: Vec<_> = parsed
        .errors
        .iter()
        .filter(|e| e.message.contains("possible alias bomb"))
        .collect();
    assert_eq!(bombs.len(), 1, "{:?}", parsed.errors);
    assert_eq!(
        bombs[0].message,
        "alias expansion exceeds 64 MiB (possible alias bomb)"
    );
    assert!(at(&text, &bombs[0].range).starts_with('*'));
    // The error is at the first alias past the budget; later aliases are null too.
    assert_eq!(bombs[0].range.start, text.find("*f").unwrap());
    let root = parsed.tree.unwrap();
    assert!(root.get("z").unwrap().value == Value::Null);
    assert!(root.get("b").unwrap().as_seq().unwrap()[0] == *root.get("a").unwrap());
}

#[test]
fn duplicate_and_complex_keys() {
    let text = "a: 1\nb: 2\na: 3\n? [x]\n: 4\n1: one\ntrue: t\n";
    let parsed = parse(text);
    let errors: Vec<_> = parsed
        .errors
        .iter()
        .map(|e| (e.message.as_str(), at(text, &e.range)))
        .collect();
    assert_eq!(
        errors,
        [
            ("duplicate key \"a\"", "a"),
            ("complex mapping keys are not supported", "[x]")
        ]
    );
    assert_eq!(parsed.errors[0].range, 10..11);
    let root = parsed.tree.unwrap();
    let keys: Vec<_> = root
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, ["a", "b", "1", "true"]);
    assert_eq!(root.get("a").unwrap().value, number("1"));
}

#[test]
fn syntax_error_in_the_middle_keeps_the_partial_tree() {
    let text = "A: 1\nB:\n  C: [1, 2\n  D: x\nE: 5\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    let error = &parsed.errors[0];
    let line = text[..error.range.start].matches('\n').count() + 1;
    assert_eq!(line, 4, "{error:?}");
    let root = parsed.tree.unwrap();
    assert_eq!(root.get("A").unwrap().value, number("1"));
    let c = root.get("B").unwrap().get("C").unwrap();
    assert!(c.as_seq().is_some());
    assert!(root.get("E").is_none());
    check_spans(text, &root);

    let text = "a: 1\nb: 'unterminated\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.tree.unwrap().get("a").unwrap().value, number("1"));
}

#[test]
fn multibyte_characters_give_byte_spans() {
    let text = "é: \"ü😀\"\nk: [ä, {x: ö}]\n名前: 値\n";
    let root = ok(text);
    let e = root.entry("é").unwrap();
    assert_eq!(e.key_span, 0..2);
    assert_eq!(at(text, &e.value.span), "\"ü😀\"");
    let k = root.get("k").unwrap();
    assert_eq!(at(text, &k.span), "[ä, {x: ö}]");
    let x = k.as_seq().unwrap()[1].get("x").unwrap();
    assert_eq!(at(text, &x.span), "ö");
    let entry = root.entry("名前").unwrap();
    assert_eq!(at(text, &entry.key_span), "名前");
    assert_eq!(at(text, &entry.value.span), "値");
    // Past the checkpoint stride of the offset table.
    let text = format!("a: {}\nb: !Ref x\n", "é".repeat(200));
    let root = ok(&text);
    assert_eq!(at(&text, &root.get("b").unwrap().span), "!Ref x");
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}A: 1\r\nB:\r\n  - !Ref x\r\n  - |\r\n    text\r\nC: [1,\r\n 2]\r\n";
    let root = ok(text);
    assert_eq!(root.entry("A").unwrap().key_span, 3..4);
    let b = root.get("B").unwrap().as_seq().unwrap();
    assert_eq!(at(text, &b[0].span), "!Ref x");
    assert_eq!(at(text, &b[1].span), "|\r\n    text");
    assert_eq!(b[1].value, string("text\n"));
    assert_eq!(at(text, &root.get("C").unwrap().span), "[1,\r\n 2]");
    assert_eq!(root.span.start, 3);
}

#[test]
fn only_the_first_document_is_read() {
    let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(
        parsed.errors[0].message,
        "only the first YAML document is read"
    );
    assert_eq!(parsed.errors[0].range, 5..8);
    assert!(parsed.tree.unwrap().get("a").is_some());
    assert!(ok("---\na: 1\n...\n").get("a").is_some());
    assert!(parse("").tree.is_none());
    assert!(parse("# only a comment\n").tree.is_none());
}

#[test]
fn deep_nesting_is_bounded() {
    // saphyr rejects flow nesting past 255 itself.
    let parsed = parse(&"[".repeat(10_000));
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].message, "recursion limit exceeded");

    let text = format!("{}x\n", "- ".repeat(10_000));
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.errors[0].message, "nesting deeper than 512 levels");
    assert_eq!(parsed.errors[0].range, 1024..1025);
    let mut node = parsed.tree.as_ref().unwrap();
    let mut levels = 0;
    while let Some(items) = node.as_seq() {
        node = &items[0];
        levels += 1;
    }
    assert_eq!((levels, &node.value), (512, &Value::Null));

    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    text.push_str(&" ".repeat(2_000));
    text.push_str("v\nafter: 1\n");
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    let root = parsed.tree.unwrap();
    assert_eq!(root.get("after").unwrap().value, number("1"));

    // An alias may not push a node past the limit either.
    let text = format!(
        "a: &a\n  {}x\nb:\n  {}*a\n",
        "- ".repeat(400),
        "- ".repeat(300)
    );
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(
        parsed.errors[0].message,
        "alias *a nests deeper than 512 levels"
    );
}

const TEMPLATE: &str = "\u{feff}AWSTemplateFormatVersion: '2010-09-09'
Description: >
  Réseau de test — VPC with two subnets
Parameters:
  Cidr:
    Type: String
    Default: 10.0.0.0/16
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Regions:
    us-east-1: {AZ: us-east-1a}
Defaults: &defaults
  MapPublicIpOnLaunch: false
  Tags:
    - Key: Name
      Value: !Sub '${AWS::StackName}-subnet'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref Cidr
      EnableDnsSupport: true
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      <<: *defaults
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
      AvailabilityZone: !Select [0, !GetAZs '']
  SubnetB:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !If [IsProd, \"10.0.1.0/24\", !Ref AWS::NoValue]
      UserData: !Base64 |
        #!/bin/bash
        echo ok
Outputs:
  VpcId: {Value: !Ref Vpc, Export: {Name: !Join [':', [!Ref 'AWS::StackName', vpc]]}}
";

#[test]
fn template_parses() {
    let root = ok(TEMPLATE);
    check_spans(TEMPLATE, &root);
    let subnet = root.get("Resources").unwrap().get("SubnetA").unwrap();
    let props = subnet.get("Properties").unwrap();
    assert_eq!(
        props.get("MapPublicIpOnLaunch").unwrap().value,
        Value::Bool(false)
    );
    assert!(props.get("Tags").is_some());
    let (name, _, _) = intrinsic(TEMPLATE, props.get("CidrBlock").unwrap());
    assert_eq!(name, "Fn::Select");
}

#[test]
fn truncation_never_panics() {
    for end in 0..=TEMPLATE.len() {
        if !TEMPLATE.is_char_boundary(end) {
            continue;
        }
        let text = &TEMPLATE[..end];
        let parsed = parse(text);
        for error in &parsed.errors {
            assert!(text.get(error.range.clone()).is_some(), "{end}: {error:?}");
        }
        if let Some(tree) = &parsed.tree {
            check_spans(text, tree);
        }
    }
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "&a",
        "*a",
        "!",
        "!!",
        "! x",
        "!<tag:x> y",
        "? ",
        ":",
        "- - -",
        "[",
        "]",
        "{",
        "}",
        "a: &x\nb: *x",
        "<<: *x",
        "<<:",
        "%YAML 1.2\n---",
        "...",
        "--- !Ref",
        "\u{feff}",
        "a:\n\t- b",
        "a: \"\\x\"",
        "[a, b]: c",
        "{? a}",
        "- !Ref\n- !If",
        "\r\n\r",
        "\"\u{0}\"",
    ];
    for text in inputs {
        let parsed = parse(text);
        if let Some(tree) = &parsed.tree {
            check_spans(text, tree);
        }
    }
}

#[test]
fn a_long_scalar_aliased_many_times_is_bounded_in_bytes() {
    // 1 MB aliased a thousand times was a gigabyte of copies when aliases counted nodes.
    let mut text = format!("big: &big {}\nmany:\n", "x".repeat(1 << 20));
    for _ in 0..1000 {
        text.push_str("  - *big\n");
    }
    let parsed = parse(&text);
    let bombs: Vec<_> = parsed
        .errors
        .iter()
        .filter(|e| e.message.contains("possible alias bomb"))
        .collect();
    assert_eq!(bombs.len(), 1, "{:?}", parsed.errors);
    let root = parsed.tree.unwrap();
    let many = root.get("many").unwrap().as_seq().unwrap();
    let copied = many.iter().filter(|n| n.value != Value::Null).count();
    // The anchor's own copy and 62 aliases fit in 64 MiB; the rest are null.
    assert_eq!(copied, 62);
    assert_eq!(many.len(), 1000);
}
