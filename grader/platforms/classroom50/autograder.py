"""Replication Lab's autograder for Classroom 50 (copied here by `npm run classroom50`).

Classroom 50 runs this file once per submission with the student's checkout as the working
directory, and reads ./result.json afterwards (its classroom50/result/v1 contract). The grader
is the pristine copy in app/ beside this file, never anything from the student's repository:
only the student's exercises/NN-name.ts files are taken. The assignment's runtime provides Node:
ask for 26 ("runtime": {"node": "26"}; the grader runs on 20 or newer, and on 26 a sandbox closes
its own network even without namespaces); npm installs the grader's packages on the first run of
each job.

Exit 0: result.json was written, whatever the score. Exit 1: grading could not run (no Node, npm
failed, the grader crashed); Classroom 50 then records an error for this submission.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE / "app"
# Written by `npm run classroom50 -- --only NN`: the exercises this assignment grades.
ONLY = HERE / "only.txt"


def fail(message: str) -> None:
    print(f"::error::Replication Lab autograder: {message}", file=sys.stderr)
    sys.exit(1)


def clear_result() -> None:
    """Removes what the checkout holds at ./result.json: it is never this submission's result."""
    result = Path("result.json")
    if result.is_dir() and not result.is_symlink():
        shutil.rmtree(result)
    elif result.exists() or result.is_symlink():
        result.unlink()


def main() -> None:
    # First, so that no failure below leaves the repository's own result.json to be read.
    clear_result()
    node = shutil.which("node")
    if node is None:
        fail('node is not installed: give the assignment the runtime {"node": "26"}')
    tsx = APP / "node_modules" / "tsx" / "dist" / "cli.mjs"
    if not tsx.exists():
        npm = shutil.which("npm") or fail("npm is not installed next to node")
        install = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=APP, capture_output=True, text=True)
        if install.returncode != 0:
            fail(f"npm ci failed in the grader copy: {install.stderr[-1500:]}")
    # On GitHub's hosted Ubuntu runners AppArmor forbids the user namespaces the grader's sandbox
    # uses (no network, a PID namespace of its own): this lifts that for the job, or says why not.
    subprocess.run(["bash", str(APP / "grader" / "platforms" / "user-namespaces.sh")], check=False)
    env = dict(os.environ)
    if ONLY.exists():
        env["RL_ONLY"] = ONLY.read_text().strip()
    run = subprocess.run(
        [node, str(tsx), str(APP / "grader" / "platforms" / "classroom50" / "run.ts"), "--submission", os.getcwd(), "--out", "result.json"],
        check=False,
        env=env,
    )
    if run.returncode != 0:
        fail(f"the grading script failed (exit code {run.returncode}); see the log above")


if __name__ == "__main__":
    main()
