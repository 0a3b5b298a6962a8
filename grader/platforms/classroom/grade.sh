#!/usr/bin/env bash
# Deprecated with GitHub Classroom (discontinued 2026-08-28): use ../github-actions/. Kept for tools
# that still read the autograding-grading-reporter's result.
#
# The grading step of the GitHub Classroom workflow (classroom.yml), run from the pristine grader
# copy that the workflow fetched, never from the student's repository:
#   bash GRADER_COPY/grader/platforms/classroom/grade.sh STUDENT_REPO_DIR
# It installs the copy's dependencies, prunes the copy to what grading needs (it deletes
# solutions: it refuses to run outside GitHub Actions unless RL_CLASSROOM_THROWAWAY_COPY=1), and
# always publishes a reporter result, an "error" one when anything fails.
set -uo pipefail

RL_COPY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=../workflow-copy.sh
source "$RL_COPY/grader/platforms/workflow-copy.sh"
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

rl_require_throwaway_copy RL_CLASSROOM_THROWAWAY_COPY || exit 2
[ -d "$SUBMISSION" ] || fail "the submission folder $SUBMISSION does not exist"
SUBMISSION="$(cd "$SUBMISSION" && pwd)"
problem="$(rl_install_copy)" || fail "$problem"
cd "$RL_COPY" || fail "cannot enter the grader copy $RL_COPY"
# On GitHub's hosted Ubuntu runners AppArmor forbids the user namespaces the sandbox uses: lift that.
bash grader/platforms/user-namespaces.sh

node node_modules/tsx/dist/cli.mjs grader/platforms/classroom/run.ts --submission "$SUBMISSION" --prune-grader-copy ||
  { [ "$published" -eq 1 ] || grep -q '^result=' "${GITHUB_OUTPUT:-/dev/null}" 2>/dev/null || fail "the grading script failed (see the log above)"; }
exit 0
