/**
 * The files `npm run new-exercise` writes for a pure function (the default kind; a read router's
 * are in new-exercise-router-templates.ts). Every place the instructor must fill in says
 * `TODO(instructor)`; until they are filled in, `npm run grade -- --validate` fails and says
 * where (the solution throws, the check rejects every answer, the variants do not compile), and
 * `npm run release` refuses to ship a file that still holds the marker.
 */

export interface ExerciseNames {
  /** "09" */
  id: string;
  /** "09-quorum-reads" */
  name: string;
  /** "quorumReads": the exported function. */
  fn: string;
  /** "QuorumReadsInput": its input type. */
  input: string;
}

export const TODO = "TODO(instructor)";

export function namesOf(name: string): ExerciseNames {
  const [id, ...words] = name.split("-");
  const camel = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
  const fn = /^[a-z]/.test(camel) ? camel : `exercise${camel[0]?.toUpperCase() ?? ""}${camel.slice(1)}`;
  return { id, name, fn, input: `${fn[0].toUpperCase()}${fn.slice(1)}Input` };
}

export function stubFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — ${TODO}: the title, as a question the student answers.
 *
 * ${TODO}: the situation, what to write, and the rules in the order they apply. The input and
 * the return type below are placeholders: change them, here, in solutions/${n.name}.ts, in the
 * variants and in grader/exercises/${n.name}.test.ts alike.
 *
 * The input must not be changed.
 */
import { NotImplementedError } from "../lib";

/** ${TODO}: what the function is given. */
export interface ${n.input} {
  values: number[];
}

/** ${TODO}: what it returns. */
export function ${n.fn}(input: ${n.input}): number {
  throw new NotImplementedError(
    "${n.id}: ${n.fn} is not implemented yet: write it in exercises/${n.name}.ts (replace this throw)",
  );
}
`;
}

export function solutionFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — reference solution. ${TODO}: why this answer is right, in a sentence or two.
 *
 * Self-contained (it is graded alone, like a student's file): only \`../lib\` may be imported.
 */

export interface ${n.input} {
  values: number[];
}

export function ${n.fn}(input: ${n.input}): number {
  throw new Error("${TODO}: write the reference solution in solutions/${n.name}.ts");
}
`;
}

export function testFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — ${TODO}: what the tests check. Public cases are hand-written inputs, each
 * showing one rule, plus random inputs on fixed seeds; hidden cases are random inputs on seeds
 * derived from the grading secret. Points and visibility are literals: the grader reads them
 * from this file, so a test that does not run still counts as failed.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (../student.ts).
import type * as Exercise from "../../exercises/${n.name}";
import type { ${n.input} } from "../../exercises/${n.name}";
import { randomInt, stream } from "../../lib/rng";
import { graded, type GradedContext, type Recorder, type Violation } from "../graded";
import { student } from "../student";

const submission = student<typeof Exercise>("${n.name}");

/** The first rule \`answer\` breaks for \`input\`, or null when it is right. Name the rule in words. */
function check(input: ${n.input}, answer: unknown): Violation | null {
  return { rule: "${TODO}: write the check in grader/exercises/${n.name}.test.ts", got: answer, involved: input };
}

/** A random input for a seed; the same seed always gives the same input. */
function randomInput(seed: number): ${n.input} {
  const rng = stream(seed, "${n.id}/input");
  return { values: Array.from({ length: 1 + randomInt(rng, 8) }, () => randomInt(rng, 100)) };
}

/** Asks the submission about \`input\` (it answers with plain data, and with its input as it left it) and checks the answer. */
async function judge(input: ${n.input}, record: Recorder): Promise<Violation | null> {
  record("input", input);
  const { value: answer, argsAfter } = await submission.callWithArgs("${n.fn}", input);
  record("answer", answer);
  if (JSON.stringify(argsAfter[0]) !== JSON.stringify(input)) return { rule: "the input must not be changed", involved: { before: input, after: argsAfter[0] } };
  return check(input, answer);
}

const cases = (list: { label: string; input: ${n.input} }[]) => async (c: GradedContext) => {
  await c.each(list, (k, record) => judge(k.input, record));
};

graded(
  { name: "${TODO}: a sentence of behaviour for the hand-written cases", points: 2, visibility: "public" },
  cases([
    { label: "${TODO}: a small case", input: { values: [3, 1, 2] } },
  ]),
);

graded({ name: "gives a right answer for random inputs", points: 2, visibility: "public" }, async (c) => {
  await c.each(c.seeds(20), (seed, record) => judge(randomInput(seed), record));
});

graded({ name: "gives a right answer for random inputs (hidden seeds)", points: 4, visibility: "hidden" }, async (c) => {
  await c.each(c.seeds(60), (seed, record) => judge(randomInput(seed), record));
});
`;
}

export function metaFile(n: ExerciseNames, notebook: string | undefined): string {
  const meta = {
    title: `${TODO}: the exercise's title`,
    ...(notebook ? { notebook } : {}),
    hints: [
      `${TODO}: a first hint that points at the idea without giving it away`,
      `${TODO}: a second hint, nearer the answer`,
      `${TODO}: a third hint that nearly gives the answer (or delete this one: two or three hints)`,
    ],
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}

/** The comment that opens a known-wrong variant of either kind. */
export function variantHeader(mistake: string): string {
  return `// Known-wrong: ${TODO}: the plausible mistake this variant makes (${mistake}).
// It must compile and lose points; \`npm run grade -- --validate\` checks both.`;
}

/** A known-wrong variant: it does not compile until it holds a plausible mistake. */
export function variantFile(n: ExerciseNames, mistake: string): string {
  return `${variantHeader(mistake)}

export interface ${n.input} {
  values: number[];
}

export function ${n.fn}(input: ${n.input}): number {
  TODO_instructor_write_a_plausible_mistake_here;
}
`;
}

export type NotebookCell = { cell_type: string; metadata: object; source: string[]; outputs?: never[]; execution_count?: null };

/**
 * The notebook cells that pose the exercise: a Markdown cell and a code cell. For an exercise that
 * exists already, its title and the function students write are given.
 */
export function notebookCells(n: ExerciseNames, known: { title?: string; fn?: string } = {}): NotebookCell[] {
  const title = known.title ?? `${TODO}: title`;
  const fn = known.fn ?? n.fn;
  return [
    {
      cell_type: "markdown",
      metadata: {},
      source: [
        `## Exercise ${n.id}: ${title}\n`,
        "\n",
        `Open \`exercises/${n.name}.ts\`, read what it asks, and write \`${fn}\` there. Then run the cell\n`,
        `below: it checks your answer on the public cases and shows what passed. Stuck? \`hint("${n.id}")\`\n`,
        "shows one hint at a time.",
      ],
    },
    {
      cell_type: "code",
      metadata: {},
      source: [`import { check, hint } from "replication-lab";\n`, `await check("${n.id}");`],
      outputs: [],
      execution_count: null,
    },
  ];
}
