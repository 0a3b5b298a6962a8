import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { jupyterEnv, projectRoot } from "./jupyter-env";

describe("project-local Jupyter settings", () => {
  it("are the same in the shell scripts and the TypeScript scripts", () => {
    const shell = execFileSync("bash", ["-c", 'source "$1" && env', "env", path.join(projectRoot, "scripts", "jupyter-env.sh")], {
      encoding: "utf8",
      env: {},
    });
    const fromShell = Object.fromEntries(shell.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    for (const [name, value] of Object.entries(jupyterEnv())) {
      expect(fromShell[name], name).toBe(value);
    }
  });

  it("put every Jupyter folder inside the project, none in the home directory", () => {
    for (const [name, value] of Object.entries(jupyterEnv())) {
      expect(path.relative(projectRoot, value).startsWith(".."), `${name}=${value}`).toBe(false);
    }
  });
});
