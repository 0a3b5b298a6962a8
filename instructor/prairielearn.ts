/**
 * Builds the PrairieLearn package: a grading image and one externally graded question per exercise.
 *   npm run prairielearn -- --out DIR --image DOCKERHUB/NAME[:TAG] [--timeout-s N] [--without-secret]
 *
 * Layout:
 *   image/Dockerfile, image/setup.sh, image/app/   the grading image: node:24 and a pristine grader
 *                                                 copy (library, grader, exercise stubs, lockfile),
 *                                                 installed by setup.sh (grader/platforms/install-grader.sh);
 *                                                 no secret: PrairieLearn pulls images from public Docker Hub
 *   course/serverFilesCourse/replication-lab/secret   the hidden-seed secret, for the course repository
 *   course/questions/ReplicationLab/NN-name/        info.json (external grading with that image,
 *                                                 RL_ONLY=NN) and question.html (a file upload)
 *   README.md                                     the steps, with this package's values
 * Solutions and known-wrong variants are never packed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadExercises, type Exercise } from "../grader/engine/exercises";
import { HelpRequested, isMain, runCommand } from "./cli";
import { appFiles, packageSecret, packedMode, versionNote } from "./grading-package";
import { buildInto, checkOutFolder } from "./out-folder";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
/** Where the image holds the grader copy; info.json's entrypoint points into it. */
export const IMAGE_APP = "/opt/replication-lab/app";
export const ENTRYPOINT = `${IMAGE_APP}/grader/platforms/prairielearn/entrypoint.sh`;
/** PrairieLearn's limits for a grading job's timeout (its docs: at most 600 s). */
export const TIMEOUT_LIMITS_S = { min: 30, max: 600 };
const DEFAULT_TIMEOUT_S = 120;
/** The questions' folder under the course's questions/. */
export const QUESTIONS_DIR = "ReplicationLab";

export interface PrairieLearnOptions {
  root?: string;
  out: string;
  /** The Docker Hub image the questions grade with, as `docker push` names it. */
  image: string;
  /** The questions' externalGradingOptions.timeout, seconds (default 120). */
  timeoutS?: number;
  withoutSecret?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface PrairieLearnPackage {
  out: string;
  questions: string[];
  secretIncluded: boolean;
}

/**
 * A stable UUID (RFC 4122 version 5, name-based) for an exercise's question: rebuilding the
 * package keeps every question's identity, and with it the students' submissions.
 */
export function questionUuid(exerciseName: string): string {
  const namespace = Buffer.from("5d1e8c52a4f94b2e9a3f0c7b6e1d2a90", "hex"); // fixed for this project
  const hash = createHash("sha1").update(namespace).update(`replication-lab/question/${exerciseName}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function infoJson(exercise: Exercise, image: string, timeoutS: number): object {
  return {
    uuid: questionUuid(exercise.name),
    title: `Replication Lab ${exercise.id}: ${exercise.meta.title}`,
    topic: "Replication Lab",
    tags: ["replication-lab", "typescript", `exercise-${exercise.id}`],
    type: "v3",
    singleVariant: true,
    gradingMethod: "External",
    externalGradingOptions: {
      enabled: true,
      image,
      entrypoint: ENTRYPOINT,
      serverFilesCourse: ["replication-lab/"],
      timeout: timeoutS,
      // The grader stops itself before PrairieLearn's limit, so that it can still say why.
      environment: { RL_ONLY: exercise.id, RL_PL_TIMEOUT_S: String(timeoutS - Math.max(10, Math.round(timeoutS / 6))) },
    },
  };
}

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function questionHtml(exercise: Exercise): string {
  const file = `${exercise.name}.ts`;
  return `<pl-question-panel>
  <p><strong>Replication Lab, exercise ${exercise.id}:</strong> ${escapeHtml(exercise.meta.title)}</p>
  <p>
    Write <code>exercises/${file}</code> in your copy of the workbook: its comment states the task and
    its rules. Check it there with <code>await check("${exercise.id}")</code> in a notebook, then upload
    the file here, under its own name. It is graded on the public cases you know and on hidden cases
    drawn from the same rules.
  </p>
  <pl-file-upload file-names="${file}"></pl-file-upload>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
`;
}

export function dockerfile(): string {
  return `# The Replication Lab grader for PrairieLearn's external grading.
# Build and push it where PrairieLearn can pull it (a public Docker Hub repository):
#   docker build -t DOCKERHUB/NAME:TAG . && docker push DOCKERHUB/NAME:TAG
# It holds the library, the grader and the exercise stubs, never the hidden-seed secret: the
# course keeps that in serverFilesCourse/replication-lab/secret.
FROM node:26-bookworm-slim
COPY setup.sh /opt/replication-lab/setup.sh
COPY app ${IMAGE_APP}
# npm dependencies from the lockfile, the grading account rlgrader, and one grading of the
# untouched stubs: a broken image fails here, not on the first student's submission.
RUN RL_APP=${IMAGE_APP} bash /opt/replication-lab/setup.sh
CMD ["${ENTRYPOINT}"]
`;
}

function readme(options: { image: string; timeoutS: number; secret: boolean; questions: string[] }): string {
  return `# Replication Lab for PrairieLearn

Built by \`npm run prairielearn\`. Grading runs in PrairieLearn's external grader, in a Docker
image you build from \`image/\` and push to Docker Hub; each exercise is one question.

1. Build and push the image (PrairieLearn pulls it from Docker Hub, so it must be public; it
   holds no secret):

   \`\`\`sh
   cd image && docker build -t ${options.image} . && docker push ${options.image}
   \`\`\`

   The build installs the grader's npm packages and grades the untouched stubs once; it fails if
   anything is wrong.
2. Copy \`course/questions/${QUESTIONS_DIR}/\` into your course's \`questions/\`${options.secret ? `, and
   \`course/serverFilesCourse/replication-lab/\` into its \`serverFilesCourse/\` (the hidden-seed
   secret: keep the course repository private)` : ` (this package has no hidden-seed secret: hidden
   cases run on new random seeds at every submission)`}. Then add the questions to an assessment.
3. Try a question in PrairieLearn: upload the reference solution (full marks), an untouched stub
   (zero points), and nothing at all (not gradable: no attempt is counted).

Each question grades one file, \`NN-name.ts\`, with a timeout of ${options.timeoutS} s
(\`externalGradingOptions.timeout\`); the grader stops itself earlier so it can still report. A
file that does not compile, or is refused before running, makes the submission not gradable with
the compiler's message, so students lose no attempt on it.

Questions: ${options.questions.join(", ")}.
`;
}

function checkTimeout(seconds: number, given: string = String(seconds)): number {
  const { min, max } = TIMEOUT_LIMITS_S;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`--timeout-s must be a whole number of seconds from ${min} to ${max} (PrairieLearn's longest grading job is 600 s), got ${JSON.stringify(given)}`);
  }
  return seconds;
}

export function buildPrairieLearnPackage(options: PrairieLearnOptions): PrairieLearnPackage {
  const root = resolve(options.root ?? ROOT);
  const out = checkOutFolder(root, options.out);
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[\w][\w.-]{0,127})?$/.test(options.image)) {
    throw new Error(`--image ${JSON.stringify(options.image)} is not a Docker Hub image name like yourname/replication-lab-grader:2026`);
  }
  const timeoutS = checkTimeout(options.timeoutS ?? DEFAULT_TIMEOUT_S);
  const secret = packageSecret(root, options.env ?? process.env, options.withoutSecret);
  const exercises = loadExercises(root);
  return buildInto(out, (stage) => {
    const put = (file: string, text: string | Buffer, mode = 0o644): void => {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      writeFileSync(join(stage, file), text, { mode });
    };
    put("image/Dockerfile", dockerfile());
    put("image/setup.sh", readFileSync(join(root, "grader/platforms/install-grader.sh")), 0o755);
    const files = appFiles(root);
    for (const file of files) put(`image/app/${file}`, readFileSync(join(root, file)), packedMode(root, file));
    put("image/replication-lab-version.txt", `${versionNote("PrairieLearn image", root, false, files.length)}\n`);
    if (secret) put("course/serverFilesCourse/replication-lab/secret", `${secret}\n`, 0o600);
    const questions: string[] = [];
    for (const exercise of exercises) {
      const dir = `course/questions/${QUESTIONS_DIR}/${exercise.name}`;
      put(`${dir}/info.json`, `${JSON.stringify(infoJson(exercise, options.image, timeoutS), null, 2)}\n`);
      put(`${dir}/question.html`, questionHtml(exercise));
      questions.push(exercise.name);
    }
    put("README.md", readme({ image: options.image, timeoutS, secret: Boolean(secret), questions }));
    return { out, questions, secretIncluded: Boolean(secret) };
  });
}

const USAGE = `usage: npm run prairielearn -- --out DIR --image DOCKERHUB/NAME[:TAG] [--timeout-s N] [--without-secret]
  --out DIR         a new folder for the package (image/, course/, README.md)
  --image NAME      the Docker Hub image you will build from image/ and push; the questions use it
  --timeout-s N     each question's grading timeout in seconds, ${TIMEOUT_LIMITS_S.min} to ${TIMEOUT_LIMITS_S.max} (default ${DEFAULT_TIMEOUT_S})
  --without-secret  no hidden-seed secret: hidden cases run on new random seeds at every submission`;

export function parsePrairieLearnArgs(argv: readonly string[]): PrairieLearnOptions {
  const options: Partial<PrairieLearnOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") throw new HelpRequested(USAGE);
    if (arg === "--without-secret") {
      options.withoutSecret = true;
      continue;
    }
    if (arg !== "--out" && arg !== "--image" && arg !== "--timeout-s") throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
    if (arg === "--out") options.out = value;
    else if (arg === "--image") options.image = value;
    else options.timeoutS = checkTimeout(Number(value), value);
  }
  if (!options.out) throw new Error(`--out DIR is required\n${USAGE}`);
  if (!options.image) throw new Error(`--image NAME is required: the Docker Hub image the questions grade with\n${USAGE}`);
  return options as PrairieLearnOptions;
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("prairielearn", () => {
    const built = buildPrairieLearnPackage(parsePrairieLearnArgs(process.argv.slice(2)));
    process.stdout.write(
      `Wrote ${built.out}: the grading image's folder and ${built.questions.length} questions (secret ${built.secretIncluded ? "included" : "NOT included"}).\n` +
        `Next: ${join(built.out, "README.md")}\n`,
    );
  });
}
