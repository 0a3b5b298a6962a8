#!/usr/bin/env bash
# The grading step of the GitHub Actions workflow (replication-lab.yml), run from the pristine
# grader copy that the workflow fetched, never from the student's repository:
#   bash GRADER_COPY/grader/platforms/github-actions/grade.sh STUDENT_REPO_DIR OUT_DIR
# It installs the copy's dependencies, prunes the copy to what grading needs (it deletes
# solutions: outside GitHub Actions it refuses to run unless RL_THROWAWAY_COPY=1), grades only the
# student's exercise files, and writes the report, the job summary and the check-run payload into
# OUT_DIR (see run.ts). It exits 0 whenever those were written, whatever the score; 1 when
# grading could not start, after saying why in the job summary.
set -uo pipefail

RL_COPY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=../workflow-copy.sh
source "$RL_COPY/grader/platforms/workflow-copy.sh"
SUBMISSION="${1:?usage: grade.sh STUDENT_REPO_DIR OUT_DIR}"
OUT="${2:?usage: grade.sh STUDENT_REPO_DIR OUT_DIR}"

not_graded() {
  echo "grade.sh: $1" >&2
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '## Replication Lab: not graded\n\n%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
  exit 1
}

rl_require_throwaway_copy RL_THROWAWAY_COPY || exit 2
[ -d "$SUBMISSION" ] || not_graded "the submission folder $SUBMISSION does not exist"
SUBMISSION="$(cd "$SUBMISSION" && pwd)"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)" || not_graded "cannot create the report folder $OUT"
problem="$(rl_install_copy)" || not_graded "$problem"
cd "$RL_COPY" || not_graded "cannot enter the grader copy $RL_COPY"
# On GitHub's hosted Ubuntu runners AppArmor forbids the user namespaces the sandbox uses: lift that.
bash grader/platforms/user-namespaces.sh

node node_modules/tsx/dist/cli.mjs grader/platforms/github-actions/run.ts \
  --submission "$SUBMISSION" --out "$OUT" --prune-grader-copy ||
  not_graded "the grading script failed (see the step's log)"
