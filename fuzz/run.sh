#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), seeded from the fixtures and
# examples. Crashes land in fuzz/artifacts/<target>/; keep each as a regression test.
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The stable toolchain is enough:
# RUSTC_BOOTSTRAP lets cargo-fuzz pass its instrumentation flags.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
mkdir -p corpus/terraform corpus/cloudformation corpus/check corpus/session
# Seeds: every fixture and example file, copied once by content hash.
find ../fixtures ../examples -name '*.tf' -o -name '*.tf.json' -o -name '*.tfvars' | while read -r f; do
  cp "$f" "corpus/terraform/$(sha1sum "$f" | cut -c1-16)"
done
find ../fixtures ../examples -name '*.yaml' -o -name '*.json' | while read -r f; do
  cp "$f" "corpus/cloudformation/$(sha1sum "$f" | cut -c1-16)"
done
cp corpus/terraform/* corpus/cloudformation/* corpus/check/ 2>/dev/null || true
cp corpus/terraform/* corpus/cloudformation/* corpus/session/ 2>/dev/null || true
for target in terraform cloudformation check session; do
  echo "== $target for ${seconds}s"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 2>&1 |
    grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)' || true
done
