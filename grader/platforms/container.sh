# Sourced by the per-submission entry points of the autograder images (gradescope/run_autograder,
# prairielearn/entrypoint.sh): runs the platform's run.ts under a time limit and makes sure a
# results file exists afterwards, whatever failed (no Node, a broken install, the time limit, a
# crash), so the student always gets the reason instead of the platform's generic error.
#
# Before calling rl_grade_in_container, the entry point sets:
#   APP           the pristine grader copy in the image
#   RESULTS       the results file the platform reads
#   TIMEOUT_S     seconds allowed for grading
# and defines rl_fallback_json REASON DETAIL, which prints the platform's results JSON for a
# submission that could not be graded (REASON and DETAIL are JSON string bodies, already escaped).

# JSON string body of stdin: escapes backslashes, quotes and control characters.
rl_json_escape() {
  tr -d '\000-\010\013\014\016-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\r/\\r/g' -e 's/\t/\\t/g' \
    | awk 'BEGIN { ORS = "" } NR > 1 { print "\\n" } { print }'
}

RL_LOG="$(mktemp /tmp/rl-autograder-log.XXXXXX)"

rl_write_fallback() {
  local reason detail
  reason="$(printf '%s' "$1" | rl_json_escape)"
  detail="$(tail -c 3000 "$RL_LOG" 2>/dev/null | rl_json_escape)"
  rl_fallback_json "$reason" "$detail" >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
}

rl_on_exit() {
  if [ ! -s "$RESULTS" ]; then
    rl_write_fallback "The autograder could not grade this submission. Please tell your instructor; resubmitting will not help until they fix it."
  fi
  cat "$RL_LOG" >&2
  rm -f "$RL_LOG"
}

# Runs `node tsx $APP/<run.ts> ARGS...` under the time limit; always returns 0.
rl_grade_in_container() {
  local script="$1"
  shift
  if ! [[ "$TIMEOUT_S" =~ ^[1-9][0-9]*$ ]]; then
    echo "The time limit $TIMEOUT_S is not a whole number of seconds; using 540." >>"$RL_LOG"
    TIMEOUT_S=540
  fi
  mkdir -p "$(dirname "$RESULTS")"
  rm -f "$RESULTS"
  trap rl_on_exit EXIT
  # Node may live where install-grader.sh put it when the image had none.
  export PATH="/usr/local/bin:/opt/replication-lab-node/bin:$PATH"
  if ! command -v node >/dev/null 2>&1; then
    echo "node is not installed: the image's setup (install-grader.sh) did not finish when it was built." >>"$RL_LOG"
    return 0
  fi
  if [ ! -f "$APP/node_modules/tsx/dist/cli.mjs" ]; then
    echo "$APP/node_modules is incomplete: the image's npm install did not finish." >>"$RL_LOG"
    return 0
  fi
  timeout --kill-after=10 "$TIMEOUT_S" node "$APP/node_modules/tsx/dist/cli.mjs" "$APP/$script" "$@" >>"$RL_LOG" 2>&1
  local status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "Grading was stopped after ${TIMEOUT_S} s." >>"$RL_LOG"
    rl_write_fallback "Grading took longer than ${TIMEOUT_S} s and was stopped. Look for an exercise that never finishes (an endless loop or a promise that never resolves)."
  fi
  return 0
}
