#!/usr/bin/env bash
# Runs fuzz targets for SECONDS each (default 60): all of them, or those named after
# SECONDS. The parser and pipeline targets are seeded from the fixtures and examples; the
# evaluation targets (eval_terraform, eval_cloudformation) generate their inputs from the
# fuzzer's bytes and start from an empty corpus.
#
# Each input has a budget: 10 s of wall-clock time (-timeout), 2 GiB of memory
# (-rss_limit_mb) and no single allocation over 1 GiB (-malloc_limit_mb); past it is a
# finding, like a panic or an internal error. Findings land in fuzz/artifacts/<target>/.
# Keep each as a regression: for the parser and pipeline targets copy the artifact into
# fuzz/regressions/; for an evaluation target write the files it generated with
#   VPCLINT_FUZZ_RENDER=regressions/<target>-<name> cargo fuzz run --sanitizer none <target> <artifact>
# `cargo test --test fuzz_regressions` replays them.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The stable toolchain is enough:
# RUSTC_BOOTSTRAP lets cargo-fuzz pass its instrumentation flags.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=${*:-terraform cloudformation check session eval_terraform eval_cloudformation}
export RUSTC_BOOTSTRAP=1
mkdir -p corpus/terraform corpus/cloudformation corpus/check corpus/session \
  corpus/eval_terraform corpus/eval_cloudformation
# Seeds: every fixture and example file, copied once by content hash.
find ../fixtures ../examples -name '*.tf' -o -name '*.tf.json' -o -name '*.tfvars' | while read -r f; do
  cp "$f" "corpus/terraform/$(sha1sum "$f" | cut -c1-16)"
done
find ../fixtures ../examples -name '*.yaml' -o -name '*.json' | while read -r f; do
  cp "$f" "corpus/cloudformation/$(sha1sum "$f" | cut -c1-16)"
done
cp corpus/terraform/* corpus/cloudformation/* corpus/check/ 2>/dev/null || true
cp corpus/terraform/* corpus/cloudformation/* corpus/session/ 2>/dev/null || true
for target in $targets; do
  echo "== $target for ${seconds}s"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 2>&1 |
    grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)' || true
done
