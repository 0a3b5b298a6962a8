# Sourced by the workflow grading steps (github-actions/grade.sh, classroom/grade.sh), which run
# from a grader copy the workflow fetched into the runner. Set RL_COPY to the copy's root first.

# Refuses to go on outside GitHub Actions unless the variable named $1 is 1: the step deletes the
# solutions from the copy it runs in, and a developer's own checkout must not be pruned by mistake.
rl_require_throwaway_copy() {
  local confirm="$1"
  if [ "${GITHUB_ACTIONS:-}" != "true" ] && [ "${!confirm:-}" != "1" ]; then
    echo "$(basename "$0") deletes solutions from the grader copy it runs in; outside GitHub Actions set $confirm=1 to confirm $RL_COPY is a throw-away copy." >&2
    return 1
  fi
}

# Installs the copy's npm dependencies when they are missing and links the library under its
# package name (the notebooks' bundle is not needed: the grader reads lib/ itself). On failure it
# prints why on stdout and returns 1.
rl_install_copy() {
  command -v node >/dev/null 2>&1 || { echo "node is not installed on this runner (the workflow's setup-node step is missing)"; return 1; }
  cd "$RL_COPY" || { echo "cannot enter the grader copy $RL_COPY"; return 1; }
  if [ ! -f node_modules/tsx/dist/cli.mjs ]; then
    local log
    log="$(mktemp)"
    npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1 ||
      { echo "npm ci failed in the grader copy: $(tail -c 1500 "$log")"; return 1; }
  fi
  ln -sfn "$RL_COPY" node_modules/replication-lab
}
