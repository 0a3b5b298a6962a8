/**
 * Which Jupyter `npm start` serves, and with which command line: classic Notebook, Notebook 7 or
 * JupyterLab 4. Debian has only Notebook 6, so Notebook 7 and JupyterLab 4 are stand-ins here:
 * Python packages named `notebook` and `jupyterlab` that report those versions and, run as a
 * server, record their command line and the editor settings Jupyter would read from the config
 * folders start.sh points it to, and write the runtime file a real server writes. What this cannot
 * show is a real Notebook 7 or JupyterLab 4 serving the workbook. The real classic Notebook, where
 * installed, is started too: its file list and the editor settings it serves.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "./free-port";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hiddenNames, jupyterEnv, jupyterPython, projectRoot } from "./jupyter-env";

const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A server stand-in: records its arguments and the front-end settings a real server would read
 * (classic Notebook: the nbconfig sections "notebook" and "edit"; Notebook 7 and JupyterLab 4,
 * through jupyterlab_server: labconfig's "default_setting_overrides"), each merged over every
 * Jupyter config folder with the first one winning, as Jupyter's ConfigManager does. Then it writes
 * its runtime file like Jupyter and waits to be stopped.
 */
const FAKE_SERVER = (infoPrefix: string) => `
import json, os, signal, sys, time
try:
    from jupyter_core.paths import jupyter_config_path
except ImportError:
    def jupyter_config_path():
        extra = os.environ.get("JUPYTER_CONFIG_PATH", "")
        return [os.environ["JUPYTER_CONFIG_DIR"]] + [p for p in extra.split(os.pathsep) if p]
def update(target, data):
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            update(target[key], value)
        else:
            target[key] = value
def section(folder, name):
    merged = {}
    for config_dir in reversed(jupyter_config_path()):
        file = os.path.join(config_dir, folder, name + ".json")
        if os.path.isfile(file):
            with open(file) as f:
                update(merged, json.load(f))
    return merged
with open(os.environ["RL_FAKE_RECORD"], "w") as f:
    json.dump({
        "argv": sys.argv[1:],
        "nbconfig": {"notebook": section("nbconfig", "notebook"), "edit": section("nbconfig", "edit")},
        "labconfig": {"default_setting_overrides": section("labconfig", "default_setting_overrides")},
    }, f)
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

/**
 * A folder for PYTHONPATH holding stand-ins: versions of notebook and jupyterlab (null: not
 * importable), and a jupyter_server whose ContentsManager hides the names given by default (by
 * default none is importable, so a jupyter_server installed for /usr/bin/python3 cannot leak in).
 */
function standIns(versions: { notebook?: string | null; jupyterlab?: string | null }, serverHides: string[] | null = null): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rl-jupyter-stand-in-"));
  dirs.push(dir);
  const contents = path.join(dir, "jupyter_server", "services", "contents");
  mkdirSync(contents, { recursive: true });
  if (serverHides === null) {
    writeFileSync(path.join(dir, "jupyter_server", "__init__.py"), 'raise ImportError("jupyter_server is not installed")\n');
  } else {
    for (const pkg of ["jupyter_server", "jupyter_server/services", "jupyter_server/services/contents"]) writeFileSync(path.join(dir, pkg, "__init__.py"), "");
    writeFileSync(
      path.join(contents, "manager.py"),
      `class _HideGlobs:\n    def default(self):\n        return ${JSON.stringify(serverHides)}\n\n` +
        `class ContentsManager:\n    @classmethod\n    def class_traits(cls):\n        return {"hide_globs": _HideGlobs()}\n`,
    );
  }
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

type Json = Record<string, any>;

interface Started {
  args: string[];
  /** The nbconfig sections and the labconfig overrides the stand-in found, as Jupyter merges them. */
  nbconfig: { notebook: Json; edit: Json };
  labconfig: { default_setting_overrides: Json };
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
  const { argv, nbconfig, labconfig } = JSON.parse(readFileSync(record, "utf8")) as { argv: string[] } & Pick<Started, "nbconfig" | "labconfig">;
  return { args: argv, nbconfig, labconfig, stdout, stderr };
}

/** The names a server is told to leave out of its file list, in order. */
function hideGlobs(args: string[]): string[] {
  const option = "--ContentsManager.hide_globs=";
  return args.filter((a) => a.startsWith(option)).map((a) => a.slice(option.length));
}

// The defaults of the servers' own ContentsManager.hide_globs (classic Notebook 6.4.12's
// notebook/services/contents/manager.py; jupyter_server's since 2.16), which start.sh keeps.
const CLASSIC_HIDES = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*.so", "*.dylib", "*~"];
const SERVER_HIDES = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~"];

/** Notebook 7 and JupyterLab 4 read these defaults; a student's own settings still win. */
function expectLabIndentsByTwo(overrides: Json): void {
  expect(overrides["@jupyterlab/fileeditor-extension:plugin"]?.editorConfig).toMatchObject({ indentUnit: "2", tabSize: 2 });
  expect(overrides["@jupyterlab/notebook-extension:tracker"]?.codeCellConfig).toMatchObject({ indentUnit: "2", tabSize: 2 });
  // Not through the CodeMirror plugin's defaultConfig: JupyterLab 4.0.0 to 4.0.8 had no default for
  // it, and jupyterlab_server fails on an override of a property without one (fixed in 4.0.9).
  expect(overrides).not.toHaveProperty(["@jupyterlab/codemirror-extension:plugin"]);
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
    expect(hideGlobs(args)).toEqual([...SERVER_HIDES, ...hiddenNames]);
    expectLabIndentsByTwo(started.labconfig.default_setting_overrides);
    expect(stdout).toContain("served by Jupyter Notebook 7");
    expect(stdout).toContain("http://127.0.0.1:18931/notebooks/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18931/tree/exercises?token=t0ken");
  }, 60_000);

  it("serves JupyterLab 4 when it is the only Jupyter, opening the notebook in Lab", async () => {
    const started = await start(standIns({ notebook: null, jupyterlab: "4.2.5" }), 18932);
    const { args, stdout } = started;
    expect(openedFile(started, "--ServerApp.root_dir", "lab/tree")).toBe(path.join(projectRoot, "notebooks", "00-start-here.ipynb"));
    expect(args).toEqual(expect.arrayContaining([`--ServerApp.root_dir=${projectRoot}`, "--IdentityProvider.token=t0ken"]));
    expect(hideGlobs(args)).toEqual([...SERVER_HIDES, ...hiddenNames]);
    expectLabIndentsByTwo(started.labconfig.default_setting_overrides);
    expect(stdout).toContain("served by JupyterLab");
    expect(stdout).toContain("http://127.0.0.1:18932/lab/tree/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18932/lab/tree/exercises?token=t0ken");
  }, 60_000);

  it("serves classic Notebook with its own options", async () => {
    const started = await start(standIns({ notebook: "6.4.12", jupyterlab: null }), 18933);
    const { args, stdout } = started;
    expect(openedFile(started, "--notebook-dir", "notebooks")).toBe(path.join(projectRoot, "notebooks", "00-start-here.ipynb"));
    expect(args).toEqual(expect.arrayContaining([`--notebook-dir=${projectRoot}`, "--NotebookApp.token=t0ken", "--NotebookApp.answer_yes=True"]));
    expect(hideGlobs(args)).toEqual([...CLASSIC_HIDES, ...hiddenNames]);
    // Code cells and the text editor: nbconfig sections "notebook" and "edit", beside the chart extension.
    expect(started.nbconfig.notebook).toMatchObject({ load_extensions: { "replication-lab/main": true }, CodeCell: { cm_config: { indentUnit: 2, tabSize: 2 } } });
    expect(started.nbconfig.edit).toMatchObject({ Editor: { codemirror_options: { indentUnit: 2, tabSize: 2 } } });
    expect(stdout).toContain("http://127.0.0.1:18933/notebooks/notebooks/00-start-here.ipynb?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18933/tree/notebooks?token=t0ken");
    expect(stdout).toContain("http://127.0.0.1:18933/tree/exercises?token=t0ken");
  }, 60_000);

  it("keeps the names the installed server hides by default, adding the project's after them", async () => {
    const started = await start(standIns({ notebook: null, jupyterlab: "4.2.5" }, ["__pycache__", "*.stand-in-default"]), 18934);
    expect(hideGlobs(started.args)).toEqual(["__pycache__", "*.stand-in-default", ...hiddenNames]);
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


const realPython = jupyterPython();
const realUi = spawnSync("bash", ["-c", 'source "$1" && rl_jupyter_ui "$2"', "ui", path.join(projectRoot, "scripts/jupyter-env.sh"), realPython], { encoding: "utf8" }).stdout.trim();

describe.runIf(realUi === "classic")("npm start with the real classic Notebook", () => {
  it("leaves node_modules/, dist/ and artifacts/ out of its file list, still serves them, and serves 2-space editor settings", async () => {
    const token = "t0ken-real";
    const child = spawn("bash", [path.join(projectRoot, "scripts/start.sh"), "--no-setup", "--port", String(await freePort()), "--token", token], {
      env: { ...process.env, ...jupyterEnv() },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: one signal stops start.sh and the server
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    try {
      const url = await new Promise<string>((ready, fail) => {
        child.stdout.on("data", () => {
          const match = output.match(/start: ready at (http:\/\/127\.0\.0\.1:\d+\/)/);
          if (match) ready(match[1]);
        });
        child.on("exit", () => fail(new Error(`start.sh ended before it was ready:\n${output}`)));
      });
      const get = (route: string) => fetch(`${url}${route}${route.includes("?") ? "&" : "?"}token=${token}`);
      const listing = ((await (await get("api/contents")).json()) as { content: { name: string }[] }).content.map((c) => c.name);
      expect(listing).toEqual(expect.arrayContaining(["notebooks", "exercises", "lib"]));
      // node_modules is always there when tests run, so its absence from the list is the hiding.
      expect(existsSync(path.join(projectRoot, "node_modules"))).toBe(true);
      for (const name of hiddenNames) expect(listing).not.toContain(name);
      // Hidden from the list only: the files are still served, and the charts' vega comes from
      // the project's nbextension, not from node_modules/.
      expect((await get("api/contents/node_modules/vega/package.json?content=0")).status).toBe(200);
      expect((await get("nbextensions/replication-lab/main.js")).status).toBe(200);
      expect(await (await get("api/config/notebook")).json()).toMatchObject({ CodeCell: { cm_config: { indentUnit: 2, tabSize: 2 } } });
      expect(await (await get("api/config/edit")).json()).toMatchObject({ Editor: { codemirror_options: { indentUnit: 2, tabSize: 2 } } });
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  }, 120_000);
});
