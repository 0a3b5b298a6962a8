// Project-local Jupyter settings for the TypeScript scripts: the same as scripts/jupyter-env.sh
// (a unit test compares the two), so nothing is written to the home directory.
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Environment variables that point every Jupyter folder inside the project. */
export function jupyterEnv(root = projectRoot): Record<string, string> {
  return {
    RL_ROOT: root,
    JUPYTER_PATH: path.join(root, "jupyter"),
    JUPYTER_CONFIG_PATH: path.join(root, "jupyter"),
    JUPYTER_CONFIG_DIR: path.join(root, ".jupyter", "config"),
    JUPYTER_DATA_DIR: path.join(root, ".jupyter", "data"),
    JUPYTER_RUNTIME_DIR: path.join(root, ".jupyter", "runtime"),
    IPYTHONDIR: path.join(root, ".jupyter", "ipython"),
  };
}

/** Names the Jupyter file list leaves out: RL_HIDDEN_NAMES in scripts/jupyter-env.sh (a unit test compares the two). */
export const hiddenNames: readonly string[] = ["node_modules", "dist", "artifacts"];

/** The Python with Jupyter: $JUPYTER_PYTHON, else the one scripts/setup.sh recorded. */
export function jupyterPython(root = projectRoot): string {
  if (process.env.JUPYTER_PYTHON) return process.env.JUPYTER_PYTHON;
  const recorded = path.join(root, ".jupyter", "python");
  if (existsSync(recorded)) {
    const python = readFileSync(recorded, "utf8").trim();
    if (python) return python;
  }
  return "/usr/bin/python3";
}

/**
 * Makes sure notebooks can `import "replication-lab"`: the bundle exists and the link
 * node_modules/replication-lab -> .. is in place. setup.sh makes both, but any later
 * `npm install` removes the link (npm prunes what it did not install), so runners re-check.
 * When node_modules is a link to another checkout's, the link would lead to that checkout: this
 * says so (as scripts/setup.sh does) instead of changing the other checkout.
 */
export function ensureLibraryLink(root = projectRoot): void {
  if (!existsSync(path.join(root, "dist", "index.cjs"))) {
    throw new Error("dist/index.cjs is missing: run `npm run setup` (or `npm run build`) first.");
  }
  const modules = path.join(root, "node_modules");
  if (existsSync(modules) && path.dirname(realpathSync(modules)) !== realpathSync(root)) {
    throw new Error(
      `node_modules is not this project's own folder: it is a link to ${realpathSync(modules)}, so ` +
        `"replication-lab" would load ${path.dirname(realpathSync(modules))}, not this project. ` +
        "Give this project its own node_modules (rm node_modules && npm run setup), then run this again.",
    );
  }
  const link = path.join(root, "node_modules", "replication-lab");
  let current: string | null = null;
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : "(not a link)";
  } catch {
    current = null;
  }
  if (current === "..") return;
  if (current !== null) rmSync(link, { recursive: true, force: true });
  symlinkSync("..", link);
}
