#!/usr/bin/env bash
# The grading step of the GitHub Classroom workflow (classroom.yml), run from the pristine grader
# copy that the workflow fetched, never from the student's repository:
#   bash GRADER_COPY/grader/platforms/classroom/grade.sh STUDENT_REPO_DIR
# It installs the copy's dependencies, prunes the copy to what grading needs (it deletes
# solutions: it refuses to run outside GitHub Actions unless RL_CLASSROOM_THROWAWAY_COPY=1), and
# always publishes a reporter result, an "error" one when anything fails.
set -uo pipefail

COPY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SUBMISSION="${1:?usage: grade.sh STUDENT_REPO_DIR}"
published=0

publish() {
  local json="$1"
  local encoded
  encoded="$(printf '%s' "$json" | base64 -w0)"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "result=$encoded" >>"$GITHUB_OUTPUT"; else echo "result=$encoded"; fi
  published=1
}

fail() {
  local message
  message="$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\r/\\r/g' -e 's/\t/\\t/g' \
    | awk 'BEGIN { ORS = "" } NR > 1 { print "\\n" } { print }')"
  echo "grade.sh: $1" >&2
  publish "{\"version\":1,\"status\":\"error\",\"max_score\":0,\"tests\":[{\"name\":\"Replication Lab autograder\",\"status\":\"error\",\"score\":0,\"message\":\"$message\"}]}"
  # The result carries the error and the reporter step fails the run; this step must not stop it.
  exit 0
}

if [ "${GITHUB_ACTIONS:-}" != "true" ] && [ "${RL_CLASSROOM_THROWAWAY_COPY:-}" != "1" ]; then
  echo "grade.sh deletes solutions from the grader copy it runs in; outside GitHub Actions set RL_CLASSROOM_THROWAWAY_COPY=1 to confirm $COPY is a throw-away copy." >&2
  exit 2
fi
[ -d "$SUBMISSION" ] || fail "the submission folder $SUBMISSION does not exist"
SUBMISSION="$(cd "$SUBMISSION" && pwd)"
command -v node >/dev/null 2>&1 || fail "node is not installed on this runner (the workflow's setup-node step is missing)"

cd "$COPY" || fail "cannot enter the grader copy $COPY"
if [ ! -f node_modules/tsx/dist/cli.mjs ]; then
  npm ci --no-audit --no-fund --loglevel=error >/tmp/rl-npm-ci.log 2>&1 ||
    fail "npm ci failed in the grader copy: $(tail -c 1500 /tmp/rl-npm-ci.log)"
fi
# The grader reads lib/ itself: the notebooks' bundle (npm run build) is not needed here.
ln -sfn "$COPY" node_modules/replication-lab

node node_modules/tsx/dist/cli.mjs grader/platforms/classroom/run.ts --submission "$SUBMISSION" --prune-grader-copy ||
  { [ "$published" -eq 1 ] || grep -q '^result=' "${GITHUB_OUTPUT:-/dev/null}" 2>/dev/null || fail "the grading script failed (see the log above)"; }
exit 0
