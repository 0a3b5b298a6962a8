/**
 * The values that cross between the judge and a sandbox: plain data, as text.
 *
 * Everything a sandbox sends back is read by the judge with `decode`, which builds fresh arrays
 * and objects from JSON text: no prototypes, getters, functions or live objects of the student's
 * survive the trip, so a value cannot change between two reads or behave differently for the
 * checker than it did when it was sent. The few things JSON lacks are tagged objects
 * (`{ "$rl": "Infinity" }`, `{ "$rl": "Float64Array", "b": "…" }`): numbers that are not
 * finite, typed arrays (the write tables of a run), undefined, and a marker for a function (a
 * router an answer returned, which stays in the sandbox). A typed array travels as the base64 of
 * its bytes (`b`): the write tables are most of what crosses (exercise 02 sends megabytes of
 * them), and a double as text is twice as long and far slower to write and read than its eight
 * bytes; any bytes make some number, so a sandbox can send nothing but numbers this way. The
 * older list form (`v: [...]`) is still read. JSON.parse is the parser on the judge's
 * side because it is the most exercised parser there is; the tag layer on top is small enough to
 * read in full.
 *
 * Written by hand: structured clone (v8.deserialize) would restore the same kinds of values, but
 * a hostile sandbox chooses the bytes, and a binary deserializer is a larger surface than
 * JSON.parse; libraries that extend JSON (devalue, superjson) rebuild objects in ways that have
 * had prototype-pollution bugs, where this one only ever assigns own data properties.
 */

/** The values a wire carries. */
export type Plain =
  | null
  | undefined
  | boolean
  | number
  | string
  | Plain[]
  | { [key: string]: Plain }
  | Float64Array
  | Int32Array
  | FunctionRef;

/** Stands for a function a sandbox returned: it cannot cross, the sandbox keeps it. Made by `decode` only. */
export class FunctionRef {
  constructor(readonly name: string) {}
  toJSON(): string {
    return `[function ${this.name || "anonymous"}]`;
  }
}

const TAG = "$rl";

// The built-ins the encoder uses, taken when this module loads: in a sandbox that is before the
// student's code runs, so code that patches built-ins in its sandbox still has its answers
// encoded as they are (it can only change its own answers, which it can anyway).
const { keys, getPrototypeOf, prototype: objectPrototype } = Object;
const hasOwn = objectPrototype.hasOwnProperty;
const { isArray } = Array;
const { isView } = ArrayBuffer;
const isFinite = Number.isFinite;
const MapClass = Map;
const SetClass = Set;
const DateClass = Date;
const ErrorClass = Error;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const toISOString = Date.prototype.toISOString;
const defineProperty = Object.defineProperty;
const FloatArray = Float64Array;
const IntArray = Int32Array;
const bufferFrom = Buffer.from;
const bufferToString = Buffer.prototype.toString;

/** The items of an array or typed array, by index (no iterator, no array method). */
function items<T>(list: ArrayLike<T>, f: (x: T) => unknown): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) out[i] = f(list[i]);
  return out;
}

/** The entries of an iterator, by its `next` taken above. */
function drain<T>(iterator: Iterator<T>): T[] {
  const out: T[] = [];
  const next = iterator.next;
  for (let step = next.call(iterator); !step.done; step = next.call(iterator)) out[out.length] = step.value;
  return out;
}

/** Limits of one encoded value: deep or huge values are cut with a marker, not followed. */
const DEPTH_MAX = 64;
const NODES_MAX = 2_000_000;

/**
 * A JSON-ready form of `value`: data is copied (own enumerable properties, read once), typed
 * arrays and special numbers are tagged, functions become markers, cycles and overly deep values
 * become strings saying so.
 */
export function toWire(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    const flat = flatObject(value);
    if (flat !== undefined) return flat;
  }
  let nodes = 0;
  const seen = new SetClass<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (++nodes > NODES_MAX) throw new RangeError(`the value is too large to send (over ${NODES_MAX} parts)`);
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        if (isFinite(v)) return v === 0 && 1 / v < 0 ? { [TAG]: "-0" } : v;
        return { [TAG]: v !== v ? "NaN" : v > 0 ? "Infinity" : "-Infinity" };
      case "undefined":
        return { [TAG]: "undefined" };
      case "bigint":
        return { [TAG]: "bigint", v: `${v}` };
      case "symbol":
        return "[a symbol]";
      case "function":
        return { [TAG]: "function", name: typeof v.name === "string" ? v.name : "" };
    }
    if (v === null) return null;
    const object = v as object;
    if (depth > DEPTH_MAX) return "[nested too deeply]";
    if (seen.has(object)) return "[cycle]";
    seen.add(object);
    try {
      if (isView(object) && !(object instanceof DataView)) {
        const name = object instanceof FloatArray ? "Float64Array" : object instanceof IntArray ? "Int32Array" : undefined;
        if (name) {
          const typed = object as Float64Array | Int32Array;
          nodes += typed.length;
          if (nodes > NODES_MAX) throw new RangeError(`the value is too large to send (over ${NODES_MAX} parts)`);
          return { [TAG]: name, b: bufferToString.call(bufferFrom(typed.buffer, typed.byteOffset, typed.byteLength), "base64") };
        }
        return items(object as unknown as ArrayLike<number>, (x) => walk(x, depth + 1));
      }
      if (isArray(object)) return items(object as unknown[], (x) => walk(x, depth + 1));
      if (object instanceof MapClass) return { [TAG]: "Map", v: items(drain(mapEntries.call(object)), ([k, x]) => [walk(k, depth + 1), walk(x, depth + 1)]) };
      if (object instanceof SetClass) return { [TAG]: "Set", v: items(drain(setValues.call(object)), (x) => walk(x, depth + 1)) };
      if (object instanceof DateClass) return toISOString.call(object);
      if (object instanceof ErrorClass) return { name: `${object.name}`, message: `${object.message}` };
      if (typeof (object as { then?: unknown }).then === "function") return { [TAG]: "promise" };
      const out: Record<string, unknown> = {};
      const own = keys(object);
      for (let i = 0; i < own.length; i++) define(out, own[i], walk((object as Record<string, unknown>)[own[i]], depth + 1));
      return hasOwn.call(out, TAG) ? { [TAG]: "object", v: out } : out;
    } finally {
      seen.delete(object);
    }
  };
  return walk(value, 0);
}

/** Own keys a flat object may have for `flatObject`; larger ones take the general path. */
const FLAT_KEYS_MAX = 32;

/**
 * A fresh copy of a plain object whose own values are all strings, booleans or finite numbers
 * other than -0, such as a router's decision (`{ node, minLsn, ifBehind }`), which is what
 * `toWire` and `fromWire` both make of it; undefined for any other value, which then takes
 * their general path (reading it again: a value read twice can only change the sandbox's own
 * answer). Made without the general path's bookkeeping, it costs a sixth as much: a simulation
 * sends one decision across for every read it routes.
 */
function flatObject(object: object): Record<string, unknown> | undefined {
  if (getPrototypeOf(object) !== objectPrototype || isArray(object) || isView(object)) return undefined;
  if (typeof (object as { then?: unknown }).then === "function") return undefined;
  const own = keys(object);
  if (own.length > FLAT_KEYS_MAX) return undefined;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < own.length; i++) {
    const key = own[i];
    if (key === TAG) return undefined;
    const v = (object as Record<string, unknown>)[key];
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && isFinite(v) && (v !== 0 || 1 / v > 0))) define(out, key, v);
    else return undefined;
  }
  return out;
}

/** `toWire` as JSON text on one line. */
export function encode(value: unknown): string {
  return JSON.stringify(toWire(value));
}

/** A value read back from JSON text (see the file comment). Throws on text that is not JSON. */
export function decode(text: string): Plain {
  return fromWire(JSON.parse(text));
}

/** Rebuilds a value from its JSON-parsed wire form: fresh arrays and plain objects only. */
export function fromWire(raw: unknown): Plain {
  if (typeof raw === "object" && raw !== null) {
    const flat = flatObject(raw);
    if (flat !== undefined) return flat as Plain;
  }
  const walk = (v: unknown, depth: number): Plain => {
    if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
    if (depth > DEPTH_MAX + 2 || typeof v !== "object") return null;
    if (isArray(v)) return items(v, (x) => walk(x, depth + 1)) as Plain[];
    const o = v as Record<string, unknown>;
    return hasOwn.call(o, TAG) ? tagged(o, depth) : plain(o, depth);
  };
  // An object's own keys, each read as a key only: also the tag's own name, in an object that
  // came tagged "object" for having it.
  const plain = (o: Record<string, unknown>, depth: number): Plain => {
    const out: { [key: string]: Plain } = {};
    const own = keys(o);
    for (let i = 0; i < own.length; i++) define(out, own[i], walk(o[own[i]], depth + 1));
    return out;
  };
  const tagged = (o: Record<string, unknown>, depth: number): Plain => {
    const tag = o[TAG];
    switch (tag) {
      case "Infinity":
        return Infinity;
      case "-Infinity":
        return -Infinity;
      case "NaN":
        return NaN;
      case "-0":
        return -0;
      case "undefined":
        return undefined;
      case "bigint":
        return `${String(o.v)}n`;
      case "function":
        return new FunctionRef(typeof o.name === "string" ? o.name.slice(0, 200) : "");
      case "promise":
        return "[a promise inside the value]";
      case "object": {
        const inner = o.v;
        if (inner === null || typeof inner !== "object" || isArray(inner)) return null;
        return plain(inner as Record<string, unknown>, depth);
      }
      case "Map":
      case "Set": {
        const list = isArray(o.v) ? (o.v as unknown[]) : [];
        if (tag === "Set") return items(list, (x) => walk(x, depth + 1)) as Plain[];
        const out: { [key: string]: Plain } = {};
        for (let i = 0; i < list.length; i++) {
          const pair = list[i];
          if (isArray(pair)) define(out, `${walk(pair[0], depth + 1)}`, walk(pair[1], depth + 1));
        }
        return out;
      }
      case "Float64Array":
      case "Int32Array": {
        if (typeof o.b === "string") return typedFromBase64(tag, o.b);
        const list = isArray(o.v) ? (o.v as unknown[]) : [];
        const typed = tag === "Float64Array" ? new FloatArray(list.length) : new IntArray(list.length);
        for (let i = 0; i < list.length; i++) {
          const n = walk(list[i], depth + 1);
          typed[i] = typeof n === "number" ? n : NaN;
        }
        return typed;
      }
    }
    return null;
  };
  return walk(raw, 0);
}

/**
 * A typed array from the base64 of its bytes, copied into memory of its own. Text that is not a
 * whole number of elements gives an empty array (base64 that is not clean is not repaired: Node
 * skips characters it does not know, and the length check then fails or the numbers are the
 * sender's own business).
 */
function typedFromBase64(tag: "Float64Array" | "Int32Array", text: string): Float64Array | Int32Array {
  const bytes = bufferFrom(text, "base64");
  const size = tag === "Float64Array" ? 8 : 4;
  const length = bytes.byteLength % size === 0 ? bytes.byteLength / size : 0;
  const typed = tag === "Float64Array" ? new FloatArray(length) : new IntArray(length);
  new Uint8Array(typed.buffer).set(bytes.subarray(0, length * size));
  return typed;
}

/**
 * Sets an own data property, also for keys such as "__proto__" that plain assignment would not.
 * A key that neither the object nor Object.prototype has (nearly all of them) is assigned, which
 * makes the same own data property and is several times faster; any other key (a built-in name,
 * one a patched prototype defines, a repeated one) is defined.
 */
function define(target: object, key: string, value: unknown): void {
  if (key in target) defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}

/**
 * Splits a stream of newline-terminated frames, refusing a frame longer than `maxChars`. Only
 * the chunk that just came is searched for a newline: a reply of megabytes arrives in many
 * chunks, and searching the whole frame so far again for each of them costs time that grows with
 * the square of its size.
 */
export class FrameReader {
  /** The chunks of the frame not yet ended, and their length in all. */
  private parts: string[] = [];
  private pending = 0;
  constructor(
    private readonly onFrame: (text: string) => void,
    private readonly onOverflow: () => void,
    private readonly maxChars: number,
  ) {}

  push(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf("\n");
    while (newline >= 0) {
      const tail = chunk.slice(start, newline);
      const frame = this.parts.length > 0 ? this.parts.join("") + tail : tail;
      this.parts = [];
      this.pending = 0;
      this.onFrame(frame);
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) {
      this.parts.push(start === 0 ? chunk : chunk.slice(start));
      this.pending += chunk.length - start;
    }
    if (this.pending > this.maxChars) {
      this.parts = [];
      this.pending = 0;
      this.onOverflow();
    }
  }
}
