/**
 * The unit tests' temporary folder: every test file, and every process the tests start (graders,
 * sandboxes, Jupyter, PostgreSQL), makes its temporary files under one folder of this run, removed
 * when the run ends, so that a run leaves nothing behind in the system's temporary folder, however
 * a test ends (a failed assertion skips its clean-up; a killed grader cannot clean up after itself).
 *
 * vitest runs this before it starts any test worker, which inherit the environment: `TMPDIR` is
 * what Node's `os.tmpdir()`, Python's `tempfile` and most tools read.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TEST_TMP_PREFIX = "rl-unit-tests-";

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), TEST_TMP_PREFIX));
  // Like the system's own temporary folder: other users (PostgreSQL's, in pg-lab's tests) may
  // enter it and make files in it, and only their owners may remove them.
  chmodSync(folder, 0o1777);
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}
