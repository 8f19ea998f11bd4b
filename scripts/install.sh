#!/bin/sh
# Installs a vpclint release binary for this machine, after checking its SHA-256 against the
# release's SHA256SUMS. Used by the GitHub Action (action.yml), and by hand:
#
#   curl -sSfL https://raw.githubusercontent.com/vpclint/vpclint/main/scripts/install.sh \
#     | sh -s -- --version v0.1.0 --to ~/.local/bin
#
# Options (or environment):
#   --version TAG   (VPCLINT_VERSION)      the release tag, `v0.1.0` (required)
#   --to DIR        (VPCLINT_INSTALL_DIR)  where to put `vpclint` [default: ~/.local/bin]
#   --base-url URL  (VPCLINT_BASE_URL)     where releases are
#                   [default: https://github.com/vpclint/vpclint/releases/download]
#   --target TRIPLE (VPCLINT_TARGET)       the build to fetch [default: this machine's]
#
# Exit status: 0 installed; 3 there is no such release (or no build for this machine): the
# caller may build from source instead; 1 anything else, in particular a checksum that does
# not match (nothing is installed then).
set -eu

version=${VPCLINT_VERSION:-}
to=${VPCLINT_INSTALL_DIR:-"$HOME/.local/bin"}
base=${VPCLINT_BASE_URL:-https://github.com/vpclint/vpclint/releases/download}
target=${VPCLINT_TARGET:-}

say() { printf 'vpclint install: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --version) version=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --base-url) base=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[ -n "$version" ] || die "--version is required (a release tag such as v0.1.0)"
case $version in
  v[0-9]*) ;;
  *) say "$version is not a release tag"; exit 3 ;;
esac

if [ -z "$target" ]; then
  case $(uname -m) in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) say "no release build for the $(uname -m) architecture"; exit 3 ;;
  esac
  case $(uname -s) in
    Linux) target=$arch-unknown-linux-musl ;;
    Darwin) target=$arch-apple-darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) target=$arch-pc-windows-msvc ;;
    *) say "no release build for $(uname -s)"; exit 3 ;;
  esac
fi
case $target in
  *windows*) archive=vpclint-$target.zip; exe=vpclint.exe ;;
  *) archive=vpclint-$target.tar.gz; exe=vpclint ;;
esac

work=$(mktemp -d 2>/dev/null || mktemp -d -t vpclint)
trap 'rm -rf "$work"' EXIT

# fetch URL FILE: 0 fetched, 3 not found, 1 another failure.
fetch() {
  case $1 in
    file://*)
      [ -f "${1#file://}" ] || return 3
      cp "${1#file://}" "$2" || return 1
      ;;
    *)
      if command -v curl >/dev/null 2>&1; then
        code=$(curl -sSL --retry 3 -o "$2" -w '%{http_code}' "$1") || return 1
        [ "$code" = 404 ] && return 3
        [ "$code" = 200 ] || { say "$1: HTTP $code"; return 1; }
      elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1" && return 0
        wget -q --spider --server-response "$1" 2>&1 | grep -q ' 404' && return 3
        return 1
      else
        die "neither curl nor wget is installed"
      fi
      ;;
  esac
}

url=$base/$version
status=0
fetch "$url/SHA256SUMS" "$work/SHA256SUMS" || status=$?
if [ $status -eq 3 ]; then
  say "no release $version at $base"
  exit 3
fi
[ $status -eq 0 ] || die "could not download $url/SHA256SUMS"
status=0
fetch "$url/$archive" "$work/$archive" || status=$?
if [ $status -eq 3 ]; then
  say "release $version has no build for $target"
  exit 3
fi
[ $status -eq 0 ] || die "could not download $url/$archive"

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS of $version does not list $archive"
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$archive" | awk '{ print $1 }')
else
  actual=$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')
fi
[ "$actual" = "$expected" ] ||
  die "checksum mismatch for $archive: expected $expected, got $actual; not installing"

mkdir -p "$work/x"
case $archive in
  *.zip) (cd "$work/x" && unzip -q "../$archive") || die "could not unpack $archive" ;;
  *) tar -xzf "$work/$archive" -C "$work/x" || die "could not unpack $archive" ;;
esac
[ -f "$work/x/$exe" ] || die "$archive holds no $exe"
mkdir -p "$to"
cp "$work/x/$exe" "$to/$exe"
chmod 755 "$to/$exe"
say "installed vpclint $version ($target) in $to"
