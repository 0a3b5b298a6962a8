/**
 * The PrairieLearn package of this project, end to end: the package is built, its image is
 * installed the way its Dockerfile installs it (install-grader.sh into a folder standing in for
 * /opt/replication-lab; npm installs from its cache when it can), and each question's entrypoint
 * grades real jobs laid out like PrairieLearn's /grade, with the environment its info.json sets.
 * Docker itself is not run here (no Docker on this machine).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { PrairieLearnResults } from "../grader/format/prairielearn";
import { buildPrairieLearnPackage, ENTRYPOINT, IMAGE_APP, parsePrairieLearnArgs, QUESTIONS_DIR, questionUuid } from "./prairielearn";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-prairielearn-test-"));
chmodSync(work, 0o755); // the grading user must be able to reach the image's app
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe("parsePrairieLearnArgs", () => {
  it("needs the folder and the image, and keeps the timeout within PrairieLearn's limit", () => {
    expect(parsePrairieLearnArgs(["--out", "pl", "--image", "course/grader:1", "--timeout-s", "180"])).toEqual({ out: "pl", image: "course/grader:1", timeoutS: 180 });
    expect(() => parsePrairieLearnArgs(["--out", "pl"])).toThrow("--image NAME is required");
    expect(() => parsePrairieLearnArgs(["--image", "a/b"])).toThrow("--out DIR is required");
    expect(() => parsePrairieLearnArgs(["--out", "pl", "--image", "a/b", "--timeout-s", "900"])).toThrow("from 30 to 600");
  });

  it("refuses an image name Docker Hub would not take, and writes nothing", () => {
    const out = join(work, "refused");
    expect(() => buildPrairieLearnPackage({ out, image: "Not A Name", withoutSecret: true })).toThrow('--image "Not A Name" is not a Docker Hub image name');
    expect(existsSync(out)).toBe(false);
  });
});

describe("questionUuid", () => {
  it("is a version-5 UUID that stays the same for an exercise and differs between exercises", () => {
    const a = questionUuid("05-leader-election");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(questionUuid("05-leader-election")).toBe(a);
    expect(questionUuid("06-fencing")).not.toBe(a);
  });
});

describe("the PrairieLearn package on a machine laid out like PrairieLearn's grader", () => {
  const out = join(work, "package");
  const image = join(work, "opt/replication-lab");
  const env = { ...process.env, RL_GRADER_USER: "nobody", CI: "true" };
  const question = (name: string) => JSON.parse(readFileSync(join(out, "course/questions", QUESTIONS_DIR, name, "info.json"), "utf8"));

  it("holds the image's folder and one externally graded question per exercise, and no answers", () => {
    const built = buildPrairieLearnPackage({ out, image: "course/replication-lab-grader:2026", env: { RL_GRADER_SECRET: "pl-test-secret-2026" } });
    const exercises = readdirSync(join(ROOT, "grader/exercises")).filter((f) => f.endsWith(".test.ts")).map((f) => f.replace(/\.test\.ts$/, ""));
    expect(built.questions).toEqual(exercises);
    expect(built.secretIncluded).toBe(true);
    expect(readFileSync(join(out, "course/serverFilesCourse/replication-lab/secret"), "utf8")).toBe("pl-test-secret-2026\n");
    const info = question("05-leader-election");
    expect(info).toMatchObject({
      type: "v3",
      gradingMethod: "External",
      singleVariant: true,
      externalGradingOptions: { enabled: true, image: "course/replication-lab-grader:2026", entrypoint: ENTRYPOINT, serverFilesCourse: ["replication-lab/"], timeout: 120, environment: { RL_ONLY: "05", RL_PL_TIMEOUT_S: "100" } },
    });
    expect(info.uuid).toBe(questionUuid("05-leader-election"));
    const html = readFileSync(join(out, "course/questions", QUESTIONS_DIR, "05-leader-election/question.html"), "utf8");
    expect(html).toContain('<pl-file-upload file-names="05-leader-election.ts"></pl-file-upload>');
    expect(html).toContain("<pl-external-grader-results></pl-external-grader-results>");
    const dockerfile = readFileSync(join(out, "image/Dockerfile"), "utf8");
    // The active LTS line: on it a sandbox closes its own network, which Docker's namespaces cannot.
    expect(dockerfile).toMatch(/^FROM node:26-bookworm-slim$/m);
    expect(dockerfile).toContain(`COPY app ${IMAGE_APP}`);
    expect(dockerfile).toContain(`RUN RL_APP=${IMAGE_APP} bash /opt/replication-lab/setup.sh`);
    // The image is pushed to a public registry: no secret, no answers in it.
    for (const gone of ["solutions", "grader/variants", "grader/.secret", "notebooks", "instructor"]) {
      expect(existsSync(join(out, "image/app", gone)), gone).toBe(false);
    }
    const inImage = spawnSync("grep", ["-rl", "pl-test-secret", join(out, "image")], { encoding: "utf8" });
    expect(inImage.stdout).toBe("");
    expect(statSync(join(out, "image/app/grader/platforms/prairielearn/entrypoint.sh")).mode & 0o111).not.toBe(0);
  });

  it("installs with the image's setup step", () => {
    mkdirSync(dirname(image), { recursive: true });
    cpSync(join(out, "image"), image, { recursive: true });
    const app = join(image, "app");
    const setup = spawnSync("bash", [join(image, "setup.sh")], { env: { ...env, RL_APP: app }, encoding: "utf8", timeout: 600_000 });
    expect(setup.status, `${setup.stdout}\n${setup.stderr}`).toBe(0);
    expect(setup.stdout).toContain("[setup] done");
    // An image that keeps a Node before 26 is told what that leaves to namespaces; on 26, nothing.
    const before26 = Number(process.versions.node.split(".")[0]) < 26;
    expect(setup.stdout.includes("only a network namespace keeps a sandbox off the network"), setup.stdout).toBe(before26);
  }, 600_000);

  /** A job as PrairieLearn lays it out, graded by `exercise`'s question with the course's files. */
  const grade = (exercise: string, student: Record<string, string>): PrairieLearnResults => {
    const grade = mkdtempSync(join(work, "grade-"));
    chmodSync(grade, 0o755);
    cpSync(join(out, "course/serverFilesCourse"), join(grade, "serverFilesCourse"), { recursive: true });
    mkdirSync(join(grade, "student"));
    mkdirSync(join(grade, "data"));
    writeFileSync(join(grade, "data/data.json"), "{}");
    for (const [file, text] of Object.entries(student)) writeFileSync(join(grade, "student", file), text);
    const options = question(exercise).externalGradingOptions as { entrypoint: string; environment: Record<string, string> };
    const entrypoint = options.entrypoint.replace(IMAGE_APP, join(image, "app"));
    const run = spawnSync(entrypoint, [], { env: { ...env, ...options.environment, RL_PL_ROOT: grade }, encoding: "utf8", timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(grade, "serverFilesCourse/replication-lab/secret"))).toBe(false);
    return JSON.parse(readFileSync(join(grade, "results/results.json"), "utf8"));
  };
  const solution = (name: string) => readFileSync(join(ROOT, "solutions", `${name}.ts`), "utf8");

  it("gives the reference solution a score of 1, every test at its full points", () => {
    const results = grade("05-leader-election", { "05-leader-election.ts": solution("05-leader-election") });
    expect(results.gradable).toBe(true);
    expect(results.score).toBe(1);
    expect(results.tests.length).toBeGreaterThan(1);
    for (const t of results.tests) expect(t.points, t.name).toBe(t.max_points);
    expect(results.tests.some((t) => t.description.startsWith("Hidden cases"))).toBe(true);
  }, 300_000);

  it("gives a known-wrong answer less than full marks, with what broke", () => {
    const variants = readdirSync(join(ROOT, "grader/variants/06-fencing"));
    const results = grade("06-fencing", { "06-fencing.ts": readFileSync(join(ROOT, "grader/variants/06-fencing", variants[0]), "utf8") });
    expect(results.gradable).toBe(true);
    expect(results.score).toBeLessThan(1);
    expect(results.tests.some((t) => t.points < t.max_points && t.message.length > 0)).toBe(true);
  }, 300_000);

  it("gives the untouched stub zero, gradable: it ran and implemented nothing", () => {
    const results = grade("05-leader-election", { "05-leader-election.ts": readFileSync(join(ROOT, "exercises/05-leader-election.ts"), "utf8") });
    expect(results).toMatchObject({ gradable: true, score: 0 });
    expect(results.tests.every((t) => /not implemented yet/.test(t.message + t.output))).toBe(true);
  }, 300_000);

  it("marks an empty submission not gradable, naming the file to upload", () => {
    const results = grade("05-leader-election", {});
    expect(results.gradable).toBe(false);
    expect(results.format_errors).toEqual(["No exercise file was submitted: upload a file named 05-leader-election.ts (your exercises/ file, unrenamed)."]);
  }, 300_000);

  it("marks a file that does not compile not gradable, with the compiler's message naming the file", () => {
    const results = grade("05-leader-election", { "05-leader-election.ts": "export function chooseNewLeader(followers) {\n  return followers[0]\n" });
    expect(results.gradable).toBe(false);
    expect(results.score).toBeUndefined();
    expect(results.format_errors!.join("\n")).toMatch(/does not compile[\s\S]*05-leader-election\.ts/);
  }, 300_000);
});
