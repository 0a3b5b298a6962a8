/**
 * TypeScript's compiler (screening, the manifest reader and the type check use it), loaded with
 * `require`: imported as an ES module, Node first scans its 9 MB for named exports, which takes
 * three times as long as loading it (0.8 against 0.25 CPU-s), in every process and worker thread
 * that loads it.
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";

const ts = createRequire(import.meta.url)("typescript") as typeof TS;
export default ts;
