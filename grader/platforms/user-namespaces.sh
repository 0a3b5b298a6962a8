#!/usr/bin/env bash
# Run by the grading steps on GitHub's runners (github-actions/grade.sh, classroom/grade.sh,
# classroom50/autograder.py) before any student code runs:
#   bash GRADER_COPY/grader/platforms/user-namespaces.sh
#
# The sandbox gets no network and a PID namespace of its own through `unshare`: as root directly,
# as any other user inside a user namespace (`unshare --map-root-user`). Ubuntu 24.04 and later,
# GitHub's hosted runners among them (`ubuntu-latest` is 26.04 since November 2026), let AppArmor
# forbid unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1), and the
# workflow grades as the runner's user, so the sandbox would run without either.
#
# On a GitHub-hosted runner (a virtual machine that ends with the job, whose user may use sudo)
# this lifts that restriction for the rest of the job. Anywhere else it changes nothing and says
# what an administrator can do. It prints one line when it acted or could not, nothing when the
# namespaces already work, and always exits 0: grading goes on either way, and the grader says
# on stderr what its sandbox enforces.
set -u

SYSCTL_KEY="kernel.apparmor_restrict_unprivileged_userns"
# Tests point this at a file of their own.
SYSCTL_FILE="${RL_USERNS_SYSCTL_FILE:-/proc/sys/kernel/apparmor_restrict_unprivileged_userns}"
say() { echo "user-namespaces: $*" >&2; }

namespaces_work() {
  command -v unshare >/dev/null 2>&1 || return 1
  if [ "$(id -u)" = 0 ]; then
    unshare --net --pid --fork --mount-proc --kill-child -- true >/dev/null 2>&1 && return 0
  fi
  unshare --map-root-user --net --pid --fork --mount-proc --kill-child -- true >/dev/null 2>&1
}

namespaces_work && exit 0
command -v unshare >/dev/null 2>&1 || { say "unshare is missing (util-linux): the sandbox runs without network or PID isolation"; exit 0; }

restricted="$(cat "$SYSCTL_FILE" 2>/dev/null || true)"
if [ "$restricted" != "1" ]; then
  say "unshare is not permitted here (not AppArmor's restriction: a container that forbids it?): the sandbox runs without network or PID isolation"
  exit 0
fi

how="an administrator can lift it with 'sudo sysctl -w $SYSCTL_KEY=0' (or grade as root)"
if [ "${RUNNER_ENVIRONMENT:-}" != "github-hosted" ]; then
  say "AppArmor forbids unprivileged user namespaces on this machine ($SYSCTL_KEY=1), so the sandbox runs without network or PID isolation; $how. Changed only on GitHub-hosted runners, which end with the job."
  exit 0
fi
if ! sudo -n true >/dev/null 2>&1; then
  say "AppArmor forbids unprivileged user namespaces on this runner ($SYSCTL_KEY=1) and sudo is not available to lift it: the sandbox runs without network or PID isolation"
  exit 0
fi
if sudo -n sysctl -q -w "$SYSCTL_KEY=0" >/dev/null 2>&1 && namespaces_work; then
  say "lifted AppArmor's restriction on unprivileged user namespaces for this job ($SYSCTL_KEY=0 on this GitHub-hosted runner): sandboxes get no network and a PID namespace of their own"
else
  say "AppArmor forbids unprivileged user namespaces on this runner ($SYSCTL_KEY=1) and setting it to 0 did not make unshare work: the sandbox runs without network or PID isolation"
fi
exit 0
