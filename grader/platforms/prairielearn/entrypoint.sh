#!/usr/bin/env bash
# PrairieLearn runs this once per submission in the grading image (see the Dockerfile that
# `npm run prairielearn` writes), as each question's externalGradingOptions.entrypoint.
#
# It grades only the student's exercise files with the pristine grader copy built into the image,
# and it always leaves /grade/results/results.json behind: when anything fails (a broken image,
# the time limit, a crash), the submission is marked not gradable with the reason, so the
# student loses no attempt and sees why.
#
# RL_PL_ROOT replaces /grade (tests lay out a temporary folder like it); RL_PL_TIMEOUT_S bounds
# the whole grading run (default 100 s: keep it under the question's externalGradingOptions.timeout,
# which `npm run prairielearn` sets to 120); RL_ONLY names the exercises to grade ("05").
set -uo pipefail

ROOT="${RL_PL_ROOT:-/grade}"
APP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
RESULTS="$ROOT/results/results.json"
TIMEOUT_S="${RL_PL_TIMEOUT_S:-100}"
export RL_PL_TIMEOUT_S="$TIMEOUT_S"
# shellcheck source=../container.sh
source "$APP/grader/platforms/container.sh"

# PrairieLearn's results for a submission that could not be graded: not gradable, no attempt counted.
rl_fallback_json() {
  printf '{"gradable":false,"message":"%s","format_errors":["%s"],"output":"Last lines of the autograder log:\\n%s","tests":[]}\n' "$1" "$1" "$2"
}

rl_grade_in_container grader/platforms/prairielearn/run.ts --root "$ROOT"
exit 0
