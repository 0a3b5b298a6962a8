/**
 * The requests a judge sends to a sandbox and the replies it gets: one JSON text per line on the
 * sandbox's file descriptor 3. Values inside are in wire form (wire.ts). Nothing in a reply is
 * trusted: the judge checks every field it reads.
 */

/** One step of a `run` request: a call of an export, or of a method of a value kept earlier. */
export type Step =
  | {
      /** Name of the exported function to call. */
      call: string;
      args: unknown[];
      /** Keep the (awaited) result in the sandbox under this name, for later `invoke` steps. */
      keep?: string;
      /** Also send back the arguments as the call left them (to see whether it changed its input). */
      argsAfter?: boolean;
    }
  | { invoke: string; method: string; args: unknown[]; keep?: string };

/** Where a simulated run's reads are routed: a router the submission exports, or one per purpose. */
export type RouterSpec =
  | { export: string }
  | {
      byPurpose: Record<string, RouteSource>;
    };

/** One purpose's router: a library routing given as data, or what calling an export returns. */
export type RouteSource = { routing: unknown } | { call: string; args: unknown[]; pick?: string };

/**
 * A request as the judge writes it; the client adds the `id`. `fresh` loads the exercise file
 * anew before answering, so that nothing its module-level variables kept from earlier requests
 * reaches this one (each case then stands alone, as it does when replayed).
 */
export type RequestBody =
  | { op: "load"; file: string }
  | { op: "run"; steps: Step[]; fresh?: boolean }
  | { op: "route"; config: unknown; router: RouterSpec; fresh?: boolean }
  | BatchRequest;

/**
 * Several `run` and `route` requests in one round trip, answered in order, as if sent one after
 * the other: questions asked at the same time (cases in flight together, a search's candidates)
 * then cost the judge one message and one wake-up of the sandbox instead of one each.
 */
export interface BatchRequest {
  op: "batch";
  requests: ({ op: "run"; steps: Step[]; fresh?: boolean } | { op: "route"; config: unknown; router: RouterSpec; fresh?: boolean })[];
}

export type Request = RequestBody & { id: number };

export interface ErrorInfo {
  name: string;
  message: string;
  stack: string;
}

export type Reply =
  | { id: number; ok: true }
  | { id: number; results: { value: unknown; argsAfter?: unknown }[]; error?: ErrorInfo; at?: number }
  | { id: number; decisions: unknown[]; draws: number[]; error?: ErrorInfo }
  | { id: number; error: ErrorInfo }
  | { id: number; replies: BatchReply[] };

/**
 * One request's reply inside a batch's, with the time it took as the sandbox measured it: only a
 * hint, used to share the batch's time (which the judge measures itself) among its requests.
 */
export type BatchReply = Reply & { cpuMs?: number; wallMs?: number };

/**
 * Numbers a router may draw from `ctx.random()` for one read: far more than any router needs. The
 * sandbox stops a router that draws more; the judge refuses a log that says more, without drawing
 * them: its replay draws as many as the log says, so the log must not choose how long that takes.
 */
export const DRAWS_MAX = 1_000;

/** The first line a sandbox writes when it is ready for requests. */
export const READY = "ready";
