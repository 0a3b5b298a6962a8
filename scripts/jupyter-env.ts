// Project-local Jupyter settings for the TypeScript scripts: the same as scripts/jupyter-env.sh
// (a unit test compares the two), so nothing is written to the home directory.
import { existsSync, readFileSync } from "node:fs";
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
