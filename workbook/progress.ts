/**
 * `progress()`: every exercise's latest public points and state in one table, from the results
 * that check() (and `npm run grade`) recorded: nothing is graded again, so it answers at once.
 */
import { displayHtml } from "../lib/display";
import { exerciseFileHash, latestResults, listExercises, publicPoints, type LatestResult } from "../grader/api";
import { hintsSeen } from "./hints-store";
import { projectRoot } from "./project";
import { progressHtml, progressText, type ProgressRow } from "./render";
import { withSummary } from "./summary";
import { UsageError } from "./usage";

export interface ProgressResult {
  rows: ProgressRow[];
  /** Public points of the latest results, summed (an exercise never checked adds nothing). */
  score: number;
  /** Every exercise's public points, checked or not: it does not change as you check more. */
  maxScore: number;
}

/**
 * Shows one row per exercise with its latest recorded result and returns the rows. An exercise
 * never checked shows "–" for its score out of the public points it is worth (`score: null`).
 */
export function progress(): ProgressResult {
  if (arguments.length > 0) throw new UsageError(`progress() takes no arguments: it shows every exercise; check("05") grades one`);
  const root = projectRoot();
  const latest = latestResults(root);
  const seen = hintsSeen(root);
  const rows: ProgressRow[] = listExercises(root).map((e) => {
    const last: LatestResult | undefined = latest[e.id];
    const hints = `${seen[e.id] ?? 0}/${e.hints.length}`;
    if (!last) {
      return { id: e.id, title: e.title, score: null, maxScore: publicPoints(root, e.name) ?? 0, state: "not checked yet", checked: `run check("${e.id}")`, hintsSeen: hints };
    }
    const changed = exerciseFileHash(root, e.name) !== last.fileHash;
    // A check that stopped at an endless loop scored only the tests before it.
    const stopped = last.state === "stopped early" ? `; ${last.notRun ?? "some"} ${last.notRun === 1 ? "test" : "tests"} not run (a case looped or stopped the code): fix it and check("${e.id}") again` : "";
    return {
      id: e.id,
      title: e.title,
      score: last.score,
      maxScore: last.maxScore,
      state: last.state,
      checked: changed ? `file changed since; check("${e.id}") again` : `checked ${when(last.checkedAt)}${stopped}`,
      hintsSeen: hints,
    };
  });
  const total = { score: round(rows.reduce((s, r) => s + (r.score ?? 0), 0)), maxScore: round(rows.reduce((s, r) => s + r.maxScore, 0)) };
  displayHtml(progressHtml(rows, total), progressText(rows, total));
  const done = rows.filter((r) => r.state === "done").length;
  return withSummary({ rows, ...total }, `progress(): ${done} of ${rows.length} exercises done, ${total.score}/${total.maxScore} public points`);
}

const round = (x: number) => Math.round(x * 100) / 100;

/** "2026-12-03T10:15:00Z" as the local date and time, to the minute. */
function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "earlier";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
