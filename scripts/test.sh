#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, then type check, unit tests, every notebook executed
# headless (and compared with its committed outputs), the grader's own validation, and the
# browser check. Every phase runs even when an earlier one failed, so one run shows everything;
# the summary at the end lists each phase with its time, and the exit code is non-zero if any failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jupyter-env.sh"
cd "$RL_ROOT"

bin="$RL_ROOT/node_modules/.bin"
phases=()
results=()
failed=()

run_phase() {
  local name=$1
  shift
  printf '\n===== %s: %s =====\n' "$name" "$*"
  local started=$SECONDS
  "$@"
  local status=$?
  local took=$((SECONDS - started))
  phases+=("$name")
  if ((status == 0)); then
    results+=("ok      ${took} s")
  else
    results+=("FAILED  ${took} s (exit $status)")
    failed+=("$name")
  fi
  return $status
}

skip_phase() {
  phases+=("$1")
  results+=("skipped ($2)")
}

total_started=$SECONDS
if ! run_phase setup bash scripts/setup.sh --with chromium; then
  echo "npm test: setup failed; nothing else can run." >&2
  exit 1
fi
run_phase typecheck "$bin/tsc" -p .
mkdir -p .cache
rm -f .cache/vitest-results.json
run_phase unit "$bin/vitest" run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json
run_phase notebooks "$bin/tsx" scripts/notebooks.ts check
if [[ -f grader/cli.ts && ! -d solutions ]]; then
  # A student release has no reference solutions to validate against.
  skip_phase grader "no solutions/ folder (a student release)"
elif [[ -f grader/cli.ts ]]; then
  run_phase grader npm run --silent grade -- --validate
else
  skip_phase grader "grader/cli.ts not found"
fi
# The grader's sandbox, its hostile corpus and its validation again, on the Node the platform
# packages install (grader/platforms/install-grader.sh), where the sandbox's limits differ from
# this machine's Node (grader/sandbox/permission.ts); fetched from the npm registry once.
platform_node=$(sed -n 's/^NODE_MAJOR=\([0-9]*\)$/\1/p' grader/platforms/install-grader.sh 2>/dev/null)
if [[ ! -f grader/cli.ts || ! -d solutions ]]; then
  skip_phase "node$platform_node" "no grader or no solutions/ folder (a student release)"
elif [[ -z $platform_node ]]; then
  skip_phase node "no platform Node named in grader/platforms/install-grader.sh (NODE_MAJOR)"
elif [[ "$(node -p 'process.versions.node.split(".")[0]')" == "$platform_node" ]]; then
  skip_phase "node$platform_node" "the phases above ran on Node $platform_node already"
else
  grader_tests=(grader/sandbox/)
  [[ -f grader/hostile.test.ts ]] && grader_tests+=(grader/hostile.test.ts)
  run_phase "node$platform_node" bash scripts/with-node.sh "$platform_node" bash -c '
    "$0" run "$@" && npm run --silent grade -- --validate' "$bin/vitest" "${grader_tests[@]}"
fi
run_phase browser "$bin/tsx" scripts/browser-check.ts

printf '\n===== summary =====\n'
for i in "${!phases[@]}"; do
  printf '  %-10s %s\n' "${phases[$i]}" "${results[$i]}"
done
printf '  %-10s %s s\n' total "$((SECONDS - total_started))"
# One closing line in the plain "N passed, N failed" form that CI tools read: every unit test
# counts once, and each other phase (notebooks, grader validation, browser check) counts once.
counts=$(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  try {
    const r = JSON.parse(fs.readFileSync(".cache/vitest-results.json", "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
  } catch { failed += 1; }
  console.log(passed, failed);' 2>/dev/null || echo "0 1")
read -r unit_passed unit_failed <<<"$counts"
other_passed=0
other_failed=0
for i in "${!phases[@]}"; do
  case "${phases[$i]}" in setup|typecheck|unit) continue ;; esac
  case "${results[$i]}" in ok*) other_passed=$((other_passed + 1)) ;; FAILED*) other_failed=$((other_failed + 1)) ;; esac
done
typecheck_failed=0
[[ " ${failed[*]:-} " == *" typecheck "* ]] && typecheck_failed=1
closing="tests: $((unit_passed + other_passed)) passed, $((unit_failed + other_failed + typecheck_failed)) failed"
if ((${#failed[@]})); then
  echo "npm test: FAILED (${failed[*]})"
  echo "$closing"
  exit 1
fi
echo "npm test: passed"
echo "$closing"
