/**
 * The README of the student release, generated from what the release holds: its notebooks (by
 * their first heading), its exercises (by their title line) and the npm scripts it keeps.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** "Exercise 05 — Leader election: which follower should be promoted?" from a stub's doc comment. */
export function exerciseTitle(source: string, file: string): string {
  const match = /^\s*\*\s*Exercise\s+\d+\s*[—–-]\s*(.+?)\s*$/m.exec(source);
  return match ? match[1] : file.replace(/\.ts$/, "");
}

/** The first Markdown heading of a notebook, without its #s. */
export function notebookTitle(text: string, file: string): string {
  try {
    const notebook = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
    for (const cell of notebook.cells) {
      if (cell.cell_type !== "markdown") continue;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const heading = /^#+\s+(.+)$/m.exec(source);
      if (heading) return heading[1].trim();
    }
  } catch {
    // an unreadable notebook is listed by its file name
  }
  return file.replace(/\.ipynb$/, "");
}

function listDir(dir: string, pattern: RegExp): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)).sort() : [];
}

export function studentReadme(releaseDir: string): string {
  const pkg = JSON.parse(readFileSync(join(releaseDir, "package.json"), "utf8")) as {
    description?: string;
    scripts?: Record<string, string>;
  };
  const scripts = pkg.scripts ?? {};
  const notebooks = listDir(join(releaseDir, "notebooks"), /^\d{2}-.*\.ipynb$/);
  const exercises = listDir(join(releaseDir, "exercises"), /^\d{2}-.*\.ts$/);
  const lines: string[] = [];
  lines.push("# Replication Lab", "");
  if (pkg.description) lines.push(pkg.description, "");
  lines.push(
    "You learn how a database keeps copies of its data on several machines with one leader, by running",
    "simulations in notebooks and by writing small pieces of a replicated system yourself. Each exercise",
    "is graded by simulating what your code does across many random runs and failures.",
    "",
    "## Start",
    "",
    "You need Node.js 20 or newer on Debian or Ubuntu (other systems: see \"When an install step cannot run\"",
    "below); 22, 24 or 26 is better, since 20 is past its end of life (2026-04-30). In this folder:",
    "",
    "```",
    "npm start",
    "```",
    "",
    "installs what is missing (npm packages; Jupyter when it can) and opens the notebooks: it prints the",
    "address to open in your browser. Stop it with Ctrl-C. Running it again is quick.",
    "",
  );
  if (notebooks.length > 0) {
    lines.push("## Notebooks", "", "Work through them in order; each is short and runs top to bottom.", "");
    for (const file of notebooks) {
      lines.push(`- \`notebooks/${file}\`: ${notebookTitle(readFileSync(join(releaseDir, "notebooks", file), "utf8"), file)}`);
    }
    lines.push("");
  }
  if (exercises.length > 0) {
    lines.push(
      "## Exercises",
      "",
      "Each exercise is one file in `exercises/`: read its comment, then replace the `not implemented yet`",
      "error with your code. Do not rename the file or the exported function.",
      "",
    );
    for (const file of exercises) {
      lines.push(`- \`exercises/${file}\`: ${exerciseTitle(readFileSync(join(releaseDir, "exercises", file), "utf8"), file)}`);
    }
    lines.push("");
  }
  lines.push("## Checking your answers", "");
  lines.push(
    "- In a notebook, `await check(\"05\")` runs exercise 05's public cases and shows a table of what passed,",
    "  with points; `hint(\"05\")` shows the next hint, one at a time (`hint(\"05\", { all: true })` shows again the ones",
    "  you have seen); `const { routeRead } = await tryExercise(\"01\")` loads your own file into the notebook, to try",
    "  what it exports before checking it.",
  );
  if (scripts.grade) {
    lines.push(
      "- In a terminal, `npm run grade` grades every exercise and prints a table; `npm run grade -- --only 05`",
      "  grades one.",
    );
  }
  if (scripts.replay) {
    lines.push("- A failing case prints the command that replays exactly that case, e.g. `npm run replay -- 05 --seed 81723`.");
  }
  if (existsSync(join(releaseDir, "grader/README.md"))) {
    lines.push("- [grader/README.md](grader/README.md) explains the feedback, public and hidden tests, and replaying a case.");
  }
  if (existsSync(join(releaseDir, ".github/workflows/replication-lab.yml"))) {
    lines.push(
      "- Every push to your GitHub repository is graded: the score shows as the check \"Replication Lab score\"",
      "  on the commit, and the run's summary (Actions tab) lists each exercise and what failed.",
    );
  }
  lines.push(
    "",
    "Your final grade also runs hidden cases: the same checks on random seeds that only the grading",
    "environment knows. Code that is right for every seed passes them; code fitted to the public seeds",
    "does not.",
    "",
    "## Handing in",
    "",
    "Hand in the files of `exercises/` the way your instructor asks: upload them (Gradescope, PrairieLearn),",
    "or commit and push them to your GitHub repository. Only those files are graded, under their exact",
    "names (`exercises/06-fencing.ts`: a renamed copy such as `06-fencing copy.ts` is not graded); changes",
    "to other files, tests included, are not used.",
    "",
    "## When an install step cannot run",
    "",
    "`npm start` installs Jupyter with `apt-get` when you are root or have `sudo`. Otherwise it stops and",
    "prints the commands to install it yourself (with apt, pip or conda); run them, then `npm start` again.",
    "",
    "## What each folder holds",
    "",
    "- `notebooks/`: the lessons, as Jupyter notebooks in TypeScript.",
    "- `exercises/`: your answers.",
    "- `lib/`: the replication simulator the notebooks and exercises use.",
    "- `grader/`: the tests and the grading command.",
    "",
  );
  return lines.join("\n");
}
