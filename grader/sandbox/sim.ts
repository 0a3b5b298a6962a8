/**
 * The library functions a sandbox needs to run a simulation next to a student's router, loaded
 * only by sandboxes whose exercise routes reads (host.ts imports it on first use).
 */
export { compileRouting, simulate } from "../../lib";
