/**
 * How the grader compiles its own code for Node (build-cache.ts, launch.mjs): ES modules for Node
 * 20 (`.mjs`), bundled with shared chunks so that every module keeps one instance, packages left
 * to Node unless a build says otherwise. Plain JavaScript, so that launch.mjs can use it before
 * anything compiles TypeScript.
 */
export const NODE_BUILD = Object.freeze({
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "silent",
});
