//! A session after an edit reports what a new check of the same files reports: the
//! invariant the language server rests on (`check::Session`). The input is three texts
//! split at NULs: a Terraform file, a template, and the Terraform file's new text; the
//! template is also removed and added back. Any difference is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::check::{check, Options, Session};
use vpclint::discover::{FileKind, Input};

fn inputs(tf: &str, cfn: Option<&str>) -> Vec<Input> {
    let mut inputs = vec![Input {
        path: "fuzz/main.tf".into(),
        kind: FileKind::Terraform,
        text: tf.to_owned(),
    }];
    if let Some(cfn) = cfn {
        inputs.push(Input {
            path: "fuzz/template.yaml".into(),
            kind: FileKind::CloudFormationYaml,
            text: cfn.to_owned(),
        });
    }
    inputs
}

fn same(session: &Session, tf: &str, cfn: Option<&str>, step: &str) {
    let incremental = vpclint::emit::json::render(&session.report());
    let fresh = vpclint::emit::json::render(&check(inputs(tf, cfn), Vec::new(), 0, &Options::default()));
    assert_eq!(incremental, fresh, "after {step}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let tf = parts.next().unwrap_or("");
    let cfn = parts.next().unwrap_or("");
    let edited = parts.next().unwrap_or("");
    let mut session = Session::new(Options::default());
    session.load(inputs(tf, Some(cfn)));
    session.refresh();
    same(&session, tf, Some(cfn), "loading");
    session.set_file("fuzz/main.tf".as_ref(), Some((FileKind::Terraform, edited.to_owned())));
    session.refresh();
    same(&session, edited, Some(cfn), "editing the Terraform file");
    session.set_file("fuzz/template.yaml".as_ref(), None);
    session.refresh();
    same(&session, edited, None, "removing the template");
    session.set_file(
        "fuzz/template.yaml".as_ref(),
        Some((FileKind::CloudFormationYaml, cfn.to_owned())),
    );
    session.refresh();
    same(&session, edited, Some(cfn), "adding the template back");
});
