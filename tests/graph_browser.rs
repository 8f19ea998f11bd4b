//! The `vpclint graph --format html` page in a real browser: headless Chromium (Debian's
//! `chromium`, which `.ci/run` installs; skipped with the reason where it is absent) loads
//! the hub-and-spoke page from a file, with no network. A small script injected into a copy
//! of the page records errors, counts the nodes drawn, measures every node's text against
//! its box and the boxes against each other with the browser's own text metrics, clicks a
//! finding and reads which nodes and edges it highlighted; `--dump-dom` hands the result
//! back. A screenshot of the page with a finding selected is written to
//! `target/tmp/graph-hub-and-spoke.png` for people to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vpclint::check::{self, Options};
use vpclint::discover;
use vpclint::graph::{self, Format, View, ViewOptions};

const HUB: &str = "tests/data/graph/hub-and-spoke";

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM").map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

fn hub_view() -> View {
    let found = discover::discover(&[PathBuf::from(HUB)]);
    let (report, units) = check::check_with_graphs(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    );
    graph::view(&report, &units, &ViewOptions::default()).unwrap()
}

/// Runs Chromium headless on a file with a fresh profile; returns stdout and stderr.
fn run_chromium(chromium: &Path, dir: &Path, args: &[String], url: &str) -> (String, String) {
    let profile = dir.join(format!("profile-{}", args.len() + url.len()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1600,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// Records errors before the page's own script runs.
const CATCH: &str = r"<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push(Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
</script>";

/// After the page's script: measures, clicks, and writes the result into the DOM.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var result = { ready: document.documentElement.getAttribute('data-ready'), problems: [] };
  var nodes = Array.prototype.slice.call(document.querySelectorAll('#graph [data-node]'));
  result.nodes = nodes.length;
  result.edges = document.querySelectorAll('#graph path.edge').length;
  var boxes = nodes.map(function (g) {
    var r = g.querySelector('rect').getBBox();
    var t = g.querySelector('text').getBBox();
    if (t.x < r.x || t.y < r.y || t.x + t.width > r.x + r.width + 0.5 || t.y + t.height > r.y + r.height + 0.5) {
      result.problems.push('text of ' + g.id + ' overflows: ' + JSON.stringify([t.x, t.width, r.x, r.width]));
    }
    return { id: g.id, r: r };
  });
  var data = JSON.parse(document.getElementById('vpclint-data').textContent);
  function inside(a, b) { // is node a drawn in node b?
    var p = data.nodes[a].parent;
    while (p) { if (p === b) { return true; } p = data.nodes[p].parent; }
    return false;
  }
  for (var i = 0; i < boxes.length; i++) {
    for (var j = i + 1; j < boxes.length; j++) {
      var a = boxes[i], b = boxes[j];
      var overlap = a.r.x < b.r.x + b.r.width && b.r.x < a.r.x + a.r.width &&
        a.r.y < b.r.y + b.r.height && b.r.y < a.r.y + a.r.height;
      if (overlap && !inside(a.id, b.id) && !inside(b.id, a.id)) {
        result.problems.push(a.id + ' and ' + b.id + ' overlap');
      }
    }
  }
  var index = data.findings.findIndex(function (f) { return f.rule === 'VPC001'; });
  document.querySelector('#findings li[data-finding=\"' + index + '\"]').click();
  result.focused = document.getElementById('graph').classList.contains('focused');
  result.highlighted = Array.prototype.map.call(document.querySelectorAll('#graph .node.hl'), function (g) { return data.nodes[g.id].address; }).sort();
  result.highlightedEdges = Array.prototype.map.call(document.querySelectorAll('#graph .edge.hl'), function (e) { return e.id; }).sort();
  result.expectedEdges = data.findings[index].edges.slice().sort();
  result.dimmed = getComputedStyle(document.querySelector('#graph .node:not(.hl):not(.hl-parent)')).opacity;
  var legacy = nodes.filter(function (g) { return data.nodes[g.id].address === 'aws_instance.legacy'; })[0];
  legacy.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  result.details = document.getElementById('details-body').textContent;
  result.errors = window.__errors;
  document.body.setAttribute('data-result', JSON.stringify(result));
});
</script>"#;

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Loads `html` with the probe and returns what it recorded, and Chromium's stderr.
fn probe(chromium: &Path, dir: &Path, name: &str, html: &str) -> (serde_json::Value, String) {
    let head = html.find("<head>").expect("a head") + "<head>".len();
    let end = html.rfind("</body>").expect("a body");
    let page = format!(
        "{}{CATCH}{}{PROBE}{}",
        &html[..head],
        &html[head..end],
        &html[end..]
    );
    let path = dir.join(name);
    std::fs::write(&path, page).unwrap();
    let url = format!("file://{}", path.display());
    let (dom, stderr) = run_chromium(chromium, dir, &["--dump-dom".to_owned()], &url);
    let start = dom.find("data-result=\"").unwrap_or_else(|| {
        panic!(
            "the probe wrote no result; stderr:\n{stderr}\nDOM:\n{}",
            &dom[..dom.len().min(2000)]
        )
    });
    let rest = &dom[start + "data-result=\"".len()..];
    let value = unescape(&rest[..rest.find('"').unwrap()]);
    (serde_json::from_str(&value).unwrap(), stderr)
}

#[test]
fn the_html_page_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        println!(
            "SKIPPED: no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)"
        );
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("graph-browser");
    std::fs::create_dir_all(&dir).unwrap();
    let view = hub_view();
    let html = graph::render(&view, Format::Html);

    let (result, stderr) = probe(&chromium, &dir, "hub.html", &html);
    println!("probe: {result}");
    assert_eq!(
        result["errors"],
        serde_json::json!([]),
        "errors on the page"
    );
    assert!(!stderr.contains("Uncaught"), "console errors:\n{stderr}");
    assert_eq!(result["ready"], "true", "the page's script did not finish");
    assert_eq!(result["nodes"], view.nodes.len());
    assert_eq!(result["edges"], view.edges.len());
    assert_eq!(
        result["problems"],
        serde_json::json!([]),
        "layout problems in the browser"
    );
    // Clicking the VPC001 finding highlights its path and dims the rest.
    assert_eq!(result["focused"], true);
    assert_eq!(
        result["highlighted"],
        serde_json::json!([
            "aws_instance.legacy",
            "aws_route_table.legacy",
            "aws_subnet.legacy_a",
            "aws_vpc_endpoint.ssm",
            "aws_vpc_peering_connection.legacy"
        ])
    );
    assert_eq!(result["highlightedEdges"], result["expectedEdges"]);
    assert_eq!(result["highlightedEdges"].as_array().unwrap().len(), 4);
    assert!(result["dimmed"].as_str().unwrap().parse::<f64>().unwrap() < 0.5);
    // Clicking a node shows its address, file and line, and its finding.
    let details = result["details"].as_str().unwrap();
    assert!(details.contains("aws_instance.legacy"), "{details}");
    assert!(
        details.contains("tests/data/graph/hub-and-spoke/spokes.tf:124"),
        "{details}"
    );
    assert!(details.contains("VPC001"), "{details}");

    // The probe sees errors when there are some (a probe that cannot fail proves nothing).
    let broken = html.replacen("<script>\n", "<script>\nnoSuchFunction();\n", 1);
    let (result, _) = probe(&chromium, &dir, "broken.html", &broken);
    let errors = result["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().unwrap().contains("noSuchFunction")),
        "{result}"
    );
    assert_eq!(result["ready"], serde_json::Value::Null);

    // A screenshot of the page as it opens on the VPC001 finding.
    let page = dir.join("graph-hub-and-spoke.html");
    std::fs::write(&page, &html).unwrap();
    let index = view
        .findings
        .iter()
        .position(|f| f.rule == "VPC001")
        .unwrap();
    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("graph-hub-and-spoke.png");
    let _ = std::fs::remove_file(&png);
    let url = format!("file://{}#finding-{index}", page.display());
    let (_, stderr) = run_chromium(
        &chromium,
        &dir,
        &[format!("--screenshot={}", png.display())],
        &url,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot ({e}):\n{stderr}"));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000,
        "{} bytes",
        bytes.len()
    );
    println!("screenshot: {}", png.display());
}
