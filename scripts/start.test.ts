/**
 * Which Jupyter `npm start` serves, and with which command line: classic Notebook, Notebook 7 or
 * JupyterLab 4. Debian has only Notebook 6, so Notebook 7 and JupyterLab 4 are stand-ins here:
 * Python packages named `notebook` and `jupyterlab` that report those versions and, run as a
 * server, record their command line and write the runtime file a real server writes. What this
 * cannot show is a real Notebook 7 or JupyterLab 4 serving the workbook.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "./jupyter-env";

const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A server stand-in: records its arguments, writes its runtime file like Jupyter, waits to be stopped. */
const FAKE_SERVER = (infoPrefix: string) => `
import json, os, signal, sys, time
with open(os.environ["RL_FAKE_RECORD"], "w") as f:
    json.dump(sys.argv[1:], f)
port = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--port="))
runtime = os.environ["JUPYTER_RUNTIME_DIR"]
os.makedirs(runtime, exist_ok=True)
info = os.path.join(runtime, "${infoPrefix}-%d.json" % os.getpid())
with open(info, "w") as f:
    json.dump({"url": "http://127.0.0.1:%s/" % port}, f)
def stop(*_):
    os.remove(info)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    time.sleep(0.2)
`;

/** A folder for PYTHONPATH holding stand-ins: versions of notebook and jupyterlab (null: not importable). */
function standIns(versions: { notebook?: string | null; jupyterlab?: string | null }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rl-jupyter-stand-in-"));
  dirs.push(dir);
  for (const [name, version] of Object.entries(versions)) {
    if (version === undefined) continue;
    mkdirSync(path.join(dir, name));
    if (version === null) {
      writeFileSync(path.join(dir, name, "__init__.py"), `raise ImportError("${name} is not installed")\n`);
      continue;
    }
    writeFileSync(path.join(dir, name, "__init__.py"), `__version__ = "${version}"\n`);
    const classic = name === "notebook" && Number(version.split(".")[0]) < 7;
    writeFileSync(path.join(dir, name, "__main__.py"), FAKE_SERVER(classic ? "nbserver" : "jpserver"));
  }
  return dir;
}

function ui(pythonPath: string | undefined, choose?: string): string {
  const run = spawnSync("bash", ["-c", 'source "$1" && rl_jupyter_ui "$2"', "ui", path.join(projectRoot, "scripts/jupyter-env.sh"), PYTHON], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...(pythonPath ? { PYTHONPATH: pythonPath } : {}), ...(choose ? { RL_JUPYTER_UI: choose } : {}) },
  });
  return run.stdout.trim();
}

describe("rl_jupyter_ui", () => {
  it("finds Notebook 7, JupyterLab 4, or neither", () => {
    expect(ui(standIns({ notebook: "7.2.2", jupyterlab: "4.2.5" }))).toBe("notebook7");
    expect(ui(standIns({ notebook: null, jupyterlab: "4.2.5" }))).toBe("lab");
    expect(ui(standIns({ notebook: null, jupyterlab: "3.6.7" }))).toBe("none");
    expect(ui(standIns({ notebook: "6.4.12", jupyterlab: null }))).toBe("classic");
  });

  it("serves classic Notebook when it is there with JupyterLab, unless RL_JUPYTER_UI chooses another that is installed", () => {
    const both = standIns({ notebook: "6.4.12", jupyterlab: "4.2.5" });
    expect(ui(both)).toBe("classic");
    expect(ui(both, "lab")).toBe("lab");
    expect(ui(both, "notebook7")).toBe("classic");
  });
});

interface Started {
  args: string[];
  stdout: string;
  stderr: string;
}

/** Runs `bash scripts/start.sh --no-setup` against the stand-ins until it says it is ready, then stops it with Ctrl-C. */
async function start(pythonPath: string, port: number): Promise<Started> {
  const record = path.join(pythonPath, "argv.json");
  const child = spawn("bash", [path.join(projectRoot, "scripts/start.sh"), "--no-setup", "--port", String(port), "--token", "t0ken"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONPATH: pythonPath, JUPYTER_PYTHON: PYTHON, RL_FAKE_RECORD: record },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
      if (stdout.includes("start: ready at")) ready();
    });
    child.on("exit", () => fail(new Error(`start.sh ended before it was ready:\n${stdout}\n${stderr}`)));
  });
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  return { args: JSON.parse(readFileSync(record, "utf8")) as string[], stdout, stderr };
}

/** The file the first printed URL opens, resolved against the root the server was given. */
function openedFile({ args, stdout }: Started, rootOption: string, route: string): string {
  const root = args.find((a) => a.startsWith(`${rootOption}=`))!.slice(rootOption.length + 1);
  const opened = stdout.match(new RegExp(`http://127\\.0\\.0\\.1:\\d+/${route}/(\\S+)\\?token=`))![1];
  return path.join(root, decodeURIComponent(opened));
}

describe("npm start with Notebook 7 or JupyterLab 4", () => {
  // The server's root is the project folder, so its file list reaches exercises/ too; the printed
  // URL still opens notebook 00, now at notebooks/00-start-here.ipynb under that root.

  it("serves Notebook 7 through jupyter_server's options and opens the first notebook", async () => {
    const started = await start(standIns({ notebook: "7.2.2", jupyterlab: "4.2.5" }), 18931);
    const { args, stdout } = started;
    expect(openedFile(started, "--ServerApp.root_dir", "notebooks")).toBe(path.join(projectRoot, "notebooks", "00-start-here.ipynb"));
    expect(args).toEqual(expect.arrayContaining(["--no-browser", "--ip=127.0.0.1", "--port=18931", `--ServerApp.root_dir=${projectRoot}`, "--IdentityProvider.token=t0ken", "--ServerApp.answer_yes=True"]));
    expect(args.some((a) => a.startsWith("--NotebookApp."))).toBe(false);
    expect(stdout).toContain("served by Jupyter Notebook 7");
    expect(stdout).toContain("http://127.0.0.1:18931/notebooks/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18931/tree/exercises?token=t0ken");
  }, 60_000);

  it("serves JupyterLab 4 when it is the only Jupyter, opening the notebook in Lab", async () => {
    const started = await start(standIns({ notebook: null, jupyterlab: "4.2.5" }), 18932);
    const { args, stdout } = started;
    expect(openedFile(started, "--ServerApp.root_dir", "lab/tree")).toBe(path.join(projectRoot, "notebooks", "00-start-here.ipynb"));
    expect(args).toEqual(expect.arrayContaining([`--ServerApp.root_dir=${projectRoot}`, "--IdentityProvider.token=t0ken"]));
    expect(stdout).toContain("served by JupyterLab");
    expect(stdout).toContain("http://127.0.0.1:18932/lab/tree/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18932/lab/tree/exercises?token=t0ken");
  }, 60_000);

  it("serves classic Notebook with its own options", async () => {
    const started = await start(standIns({ notebook: "6.4.12", jupyterlab: null }), 18933);
    const { args, stdout } = started;
    expect(openedFile(started, "--notebook-dir", "notebooks")).toBe(path.join(projectRoot, "notebooks", "00-start-here.ipynb"));
    expect(args).toEqual(expect.arrayContaining([`--notebook-dir=${projectRoot}`, "--NotebookApp.token=t0ken", "--NotebookApp.answer_yes=True"]));
    expect(stdout).toContain("http://127.0.0.1:18933/notebooks/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18933/tree/notebooks?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18933/tree/exercises?token=t0ken");
  }, 60_000);

  it("says what to do when the Python has no Jupyter it can serve", () => {
    const run = spawnSync("bash", [path.join(projectRoot, "scripts/start.sh"), "--no-setup", "--token", "x"], {
      env: { PATH: process.env.PATH, PYTHONPATH: standIns({ notebook: null, jupyterlab: "3.6.7" }), JUPYTER_PYTHON: PYTHON },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("has no Jupyter Notebook or JupyterLab 4: run npm run setup (it says what to install).");
  });
});
