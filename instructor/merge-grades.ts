/**
 * Puts the scores of a regrade of some exercises into a whole gradebook:
 *   npm run merge-grades -- --whole grades.csv --regraded grades-03.csv --out grades-new.csv
 *
 * grades-03.csv is a batch graded with `--only 03` (after fixing exercise 03's tests, say);
 * grades.csv is the batch of every exercise it updates. The result is a new gradebook of every
 * exercise, with a report per submission beside it (`grades-new-reports/`): each submission
 * graded in both takes exercise 03's result from the regrade and every other exercise's from the
 * whole batch, its score and maximum summed again from its exercises, as the grader sums them.
 * Nothing is graded here, and neither input is changed.
 *
 * A submission keeps its row and report as they were when the merge cannot be made for it, and
 * the command says why: it was not graded in the whole batch (an error row), its regrade failed,
 * it is not in the regrade, or a report of it is missing or unreadable. A submission of the
 * regrade that the whole gradebook lacks is left out and named: grade it with every exercise.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { roundScore } from "../grader/engine/report";
import { gradebookCsv, type GradebookRow } from "../grader/gradebook";
import { writeWhole } from "../grader/write-whole";
import { isMain, runCommand, valueFlags } from "./cli";
import { gradedExercises, readCsv, readGradebook } from "./gradebook-file";

export interface MergeOptions {
  /** The gradebook to update (usually of every exercise). */
  whole: string;
  /** A gradebook of some exercises (`npm run grade -- --batch … --only 03`). */
  regraded: string;
  /** The merged gradebook to write (a new file: neither input is changed). */
  out: string;
  /** Reports of each; default `<gradebook without .csv>-reports`, where the batch puts them. */
  wholeReports?: string;
  regradedReports?: string;
  reports?: string;
}

export interface MergeSummary {
  csvPath: string;
  reportsDir: string;
  /** The exercises taken from the regrade ("03"). */
  exercises: string[];
  /** Submissions whose regraded exercises were merged. */
  merged: string[];
  /** Submissions kept as the whole gradebook had them, and why. */
  kept: { id: string; why: string }[];
  /** Submissions of the regrade that the whole gradebook does not have: left out. */
  notInWhole: string[];
}

/** A batch report as `npm run grade -- --batch` writes it (grader/batch.ts): the fields merged here. */
interface BatchReport {
  submission: string;
  score: number;
  maxScore: number;
  notes?: string;
  only?: string[];
  error?: string;
  exercises: { id: string; name?: string; score: number; maxScore: number }[];
  [field: string]: unknown;
}

/**
 * The reports of a folder by submission id: each file's name and its parsed report, or why it
 * cannot be used. Where two files name the same submission (a batch into a folder an earlier batch
 * of other submissions had used, whose file names it may reuse), the one written last is its.
 */
function readReports(dir: string): Map<string, { file: string; report?: BatchReport; problem?: string }> {
  const found = new Map<string, { file: string; report?: BatchReport; problem?: string; writtenMs: number }>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json")).sort()) {
    let data: unknown;
    let writtenMs: number;
    try {
      data = JSON.parse(readFileSync(join(dir, file), "utf8"));
      writtenMs = statSync(join(dir, file)).mtimeMs;
    } catch {
      continue; // not a report (nor anything the merge could name a submission by)
    }
    const r = data as Partial<BatchReport> | null;
    if (typeof r?.submission !== "string" || (found.get(r.submission)?.writtenMs ?? -Infinity) > writtenMs) continue;
    const usable = Array.isArray(r.exercises) && r.exercises.every((e) => typeof e?.id === "string" && Number.isFinite(e.score) && Number.isFinite(e.maxScore));
    found.set(r.submission, usable ? { file, report: r as BatchReport, writtenMs } : { file, problem: `its report ${join(dir, file)} has no exercises the merge can read`, writtenMs });
  }
  return found;
}

/** The reports folder of a gradebook: given, or where the batch put it. */
function reportsOf(csv: string, given: string | undefined, flag: string): string {
  const dir = resolve(given ?? `${resolve(csv).replace(/\.csv$/i, "")}-reports`);
  if (!existsSync(dir)) {
    throw new Error(`${flag === "--reports" ? "" : `no reports folder ${dir} beside ${csv}: `}the merge needs each submission's report (the batch writes them beside its gradebook, or where its --reports said); give the folder with ${flag} DIR`);
  }
  return dir;
}

/** "exercise 03" or "exercises 03, 05". */
const exercisesText = (ids: readonly string[]) => `${ids.length === 1 ? "exercise" : "exercises"} ${ids.join(", ")}`;

/** The line a merged report's notes begin with. */
export function mergeNote(ids: readonly string[], regraded: string): string {
  return `${exercisesText(ids).replace(/^e/, "E")} ${ids.length === 1 ? "was" : "were"} graded again (${basename(regraded)}, --only ${ids.join(",")}) and merged into this report: ${ids.length === 1 ? "its result replaces" : "their results replace"} the earlier one, and the other exercises are as graded before.`;
}

/** `report` with the regraded exercises put in: score and maximum summed again, notes saying so. */
function mergedReport(report: BatchReport, regraded: BatchReport, ids: readonly string[], regradedCsv: string): BatchReport {
  const byId = new Map(report.exercises.map((e) => [e.id, e]));
  for (const e of regraded.exercises) if (ids.includes(e.id)) byId.set(e.id, e);
  const exercises = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const names = exercises.map((e) => e.name ?? e.id);
  return {
    ...report,
    score: roundScore(exercises.reduce((sum, e) => sum + e.score, 0)),
    maxScore: roundScore(exercises.reduce((sum, e) => sum + e.maxScore, 0)),
    exercises,
    ...(report.only ? { only: names } : {}),
    notes: [mergeNote(ids, regradedCsv), report.notes].filter(Boolean).join("\n"),
  };
}

export function mergeGrades(options: MergeOptions): MergeSummary {
  const wholeCsv = resolve(options.whole);
  const regradedCsv = resolve(options.regraded);
  const csvPath = resolve(options.out);
  if (csvPath === wholeCsv || csvPath === regradedCsv) {
    throw new Error(`--out ${csvPath} is one of the gradebooks merged; give a new file (such as ${wholeCsv.replace(/\.csv$/i, "")}-merged.csv): neither input is changed`);
  }
  const wholeRecords = readCsv(options.whole, "the whole gradebook (--whole)");
  const regradedRecords = readCsv(options.regraded, "the regraded gradebook (--regraded)");
  const wholeRows = readGradebook(wholeRecords, options.whole);
  const regradedRows = readGradebook(regradedRecords, options.regraded);
  const ids = gradedExercises(regradedRecords);
  if (ids === undefined) {
    throw new Error(
      regradedRecords.length === 0
        ? `${options.regraded} has no submissions: nothing to merge`
        : `${options.regraded} is a gradebook of every exercise, not of some (it has no "exercises" column): --regraded takes a batch graded with --only, and one of every exercise replaces the whole gradebook as it is`,
    );
  }
  const wholeOnly = gradedExercises(wholeRecords);
  const wholeReportsDir = reportsOf(options.whole, options.wholeReports, "--whole-reports");
  const regradedReportsDir = reportsOf(options.regraded, options.regradedReports, "--regraded-reports");
  const reportsDir = resolve(options.reports ?? `${csvPath.replace(/\.csv$/i, "")}-reports`);
  if (reportsDir === wholeReportsDir || reportsDir === regradedReportsDir) {
    throw new Error(`the merged reports would go to ${reportsDir}, which holds the reports merged; give another --out or --reports: neither input is changed`);
  }
  if (existsSync(reportsDir) && readdirSync(reportsDir).length > 0) {
    throw new Error(`${reportsDir} already holds files; the merged reports go to a new or empty folder: remove it, or give another --out or --reports`);
  }
  const wholeReports = readReports(wholeReportsDir);
  const regradedReports = readReports(regradedReportsDir);
  const regradedById = new Map(regradedRows.map((row) => [row.id, row]));
  const wholeIds = new Set(wholeRows.map((row) => row.id));

  const rows: GradebookRow[] = [];
  const files: { file: string; text: string }[] = [];
  const merged: string[] = [];
  const kept: MergeSummary["kept"] = [];
  for (const row of wholeRows) {
    const before = wholeReports.get(row.id);
    const keep = (why: string) => {
      rows.push(row);
      kept.push({ id: row.id, why });
      if (before) files.push({ file: before.file, text: readFileSync(join(wholeReportsDir, before.file), "utf8") });
    };
    const again = regradedById.get(row.id);
    const after = regradedReports.get(row.id);
    if (row.error) keep(`not graded in ${basename(options.whole)}: ${row.error}`);
    else if (!again) keep(`not in ${basename(options.regraded)}`);
    else if (again.error) keep(`its regrade failed: ${again.error}`);
    else if (!before?.report) keep(before?.problem ?? `no report of it in ${wholeReportsDir}`);
    else if (!after?.report) keep(after?.problem ?? `no report of it in ${regradedReportsDir}`);
    else {
      const report = mergedReport(before.report, after.report, ids, options.regraded);
      rows.push({ id: row.id, score: report.score, maxScore: report.maxScore, exercises: Object.fromEntries(report.exercises.map((e) => [e.id, e.score])) });
      files.push({ file: before.file, text: JSON.stringify(report, null, 2) });
      merged.push(row.id);
    }
  }
  const notInWhole = regradedRows.filter((row) => !wholeIds.has(row.id)).map((row) => row.id);
  const columns = [...new Set([...Object.keys(wholeRecords[0] ?? {}).filter((c) => /^\d\d$/.test(c)), ...ids])].sort();

  // The reports first, built beside their folder and moved into place whole; the gradebook last.
  mkdirSync(dirname(reportsDir), { recursive: true });
  const stage = mkdtempSync(join(dirname(reportsDir), `.${basename(reportsDir)}.partial-`));
  try {
    for (const { file, text } of files) writeFileSync(join(stage, file), text);
    if (existsSync(reportsDir)) rmdirSync(reportsDir);
    renameSync(stage, reportsDir);
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw new Error(`could not write the merged reports to ${reportsDir}: ${(error as Error).message}; nothing was written`);
  }
  writeWhole(csvPath, gradebookCsv(rows, { exercises: wholeOnly ? [...new Set([...wholeOnly, ...ids])].sort() : columns, ...(wholeOnly ? { only: true } : {}) }));
  return { csvPath, reportsDir, exercises: ids, merged, kept, notInWhole };
}

const USAGE = `usage: npm run merge-grades -- --whole grades.csv --regraded grades-03.csv --out grades-new.csv
  --whole FILE             the gradebook to update (npm run grade -- --batch DIR --out FILE)
  --regraded FILE          a gradebook of some exercises graded again (the same batch with --only 03)
  --out FILE               the merged gradebook, a new file; its reports go beside it (FILE-reports/)
  --whole-reports DIR      the reports of --whole, when its batch put them elsewhere (--reports)
  --regraded-reports DIR   the reports of --regraded, likewise
  --reports DIR            where the merged reports go (default: beside --out)
Each submission graded in both takes the regraded exercises' results from --regraded and the
others' from --whole. Grade the regrade with the same grading secret as the whole batch, so that
every exercise's hidden cases stay the ones the class was graded on.`;

export function parseMergeArgs(argv: readonly string[]): MergeOptions {
  const flags: Record<string, keyof MergeOptions> = {
    "--whole": "whole",
    "--regraded": "regraded",
    "--out": "out",
    "--whole-reports": "wholeReports",
    "--regraded-reports": "regradedReports",
    "--reports": "reports",
  };
  const options = valueFlags(argv, flags, USAGE);
  for (const [flag, field] of Object.entries(flags).slice(0, 3)) if (!options[field]) throw new Error(`${flag} is required\n${USAGE}`);
  return options as MergeOptions;
}

/** What the command prints: what was written, then each submission it could not merge, and why. */
export function describeMerge(s: MergeSummary, options: MergeOptions): string[] {
  const whole = basename(options.whole);
  return [
    `Wrote ${s.csvPath} and ${s.merged.length + s.kept.length} report(s) in ${s.reportsDir}: ${exercisesText(s.exercises)} from ${basename(options.regraded)} merged into ${whole} for ${s.merged.length} submission(s).`,
    ...(s.kept.length > 0 ? [`Kept as ${whole} had them (${s.kept.length}):`, ...s.kept.map((k) => `  ${k.id}: ${k.why}`)] : []),
    ...(s.notInWhole.length > 0
      ? [`In ${basename(options.regraded)} but not in ${whole}, left out (${s.notInWhole.length}): ${s.notInWhole.join(", ")}; grade them with every exercise (npm run grade -- --batch DIR --out FILE)`]
      : []),
  ];
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("merge-grades", () => {
    const options = parseMergeArgs(process.argv.slice(2));
    process.stdout.write(`${describeMerge(mergeGrades(options), options).join("\n")}\n`);
  });
}
