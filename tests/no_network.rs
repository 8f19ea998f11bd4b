//! vpclint never touches the network: the whole fixture set gives the same result in a
//! network namespace without any network, and with every proxy variable pointed at a closed
//! port.

use std::process::Command;

fn check(prefix: &[&str], env: &[(&str, &str)]) -> Option<(i32, Vec<u8>)> {
    let vpclint = env!("CARGO_BIN_EXE_vpclint");
    let mut args: Vec<&str> = prefix.to_vec();
    args.extend([vpclint, "check", "--format", "json", "fixtures", "examples"]);
    let mut cmd = Command::new(args[0]);
    cmd.args(&args[1..]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    Some((out.status.code()?, out.stdout))
}

#[test]
fn results_are_the_same_without_a_network() {
    let (code, normal) = check(&[], &[]).expect("vpclint runs");
    // Port 9 (discard) on loopback: nothing listens, any attempt fails at once.
    let closed = "http://127.0.0.1:9";
    let proxied = check(
        &[],
        &[
            ("HTTP_PROXY", closed),
            ("HTTPS_PROXY", closed),
            ("ALL_PROXY", closed),
            ("http_proxy", closed),
            ("https_proxy", closed),
            ("all_proxy", closed),
            ("NO_PROXY", ""),
        ],
    )
    .expect("vpclint runs");
    assert_eq!(
        (code, &normal),
        (proxied.0, &proxied.1),
        "proxy variables changed the result"
    );

    // A new network namespace has only a downed loopback: no route anywhere.
    match check(&["unshare", "--net", "--"], &[]) {
        Some((isolated_code, isolated)) if isolated_code != 1 || !isolated.is_empty() => {
            assert_eq!((code, &normal), (isolated_code, &isolated), "no network changed the result");
        }
        _ => println!("SKIPPED the network-namespace half: `unshare --net` is not available here (needs root or user namespaces)"),
    }
}
