import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib, { deflateRawSync } from "node:zlib";
import { strToU8, zipSync } from "fflate";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { MAX_DEPTH, MAX_EXERCISE_FILE_BYTES, collectSubmission } from "./collect";
import { MAX_ZIP_DEFLATED_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_UNPACKED_BYTES, extractZip } from "./unzip";

const work = mkdtempSync(join(tmpdir(), "rl-unzip-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let dirs = 0;
function freshDir(): string {
  return join(work, `dest-${++dirs}`);
}

/** What node:zlib inflated: inflaters made, compressed bytes they consumed, bytes they produced. */
interface Inflated {
  inflaters: number;
  packedBytes: number;
  unpackedBytes: number;
}

const makeInflateRaw = zlib.createInflateRaw;

/**
 * Counts what every inflater made through zlib.createInflateRaw (as yauzl makes its own) goes on to
 * do; `settled()` gives the totals once any work left running in the background would have shown.
 */
function watchInflaters(): { settled: () => Promise<Inflated> } {
  const streams: { stream: zlib.InflateRaw; produced: number }[] = [];
  vi.spyOn(zlib, "createInflateRaw").mockImplementation((options) => {
    const watched = { stream: makeInflateRaw(options), produced: 0 };
    const push = watched.stream.push;
    watched.stream.push = function (chunk, encoding) {
      if (chunk) watched.produced += (chunk as Buffer).length;
      return push.call(this, chunk, encoding);
    };
    streams.push(watched);
    return watched.stream;
  });
  return {
    async settled() {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return {
        inflaters: streams.length,
        packedBytes: streams.reduce((sum, s) => sum + s.stream.bytesWritten, 0),
        unpackedBytes: streams.reduce((sum, s) => sum + s.produced, 0),
      };
    },
  };
}
afterEach(() => vi.restoreAllMocks());

const nothingInflated: Inflated = { inflaters: 0, packedBytes: 0, unpackedBytes: 0 };

/** One entry of a hand-written zip: its headers say `claimed` bytes unpacked, whatever `packed` inflates to. */
interface Entry {
  name: string;
  packed: Uint8Array;
  claimed: number;
  method?: 0 | 8;
  /** Written the way a streaming zipper does: zero sizes in the local header, the real ones after the data. */
  descriptor?: boolean;
}

function localRecord(entry: Entry): Uint8Array {
  const name = strToU8(entry.name);
  const out = new Uint8Array(30 + name.length + entry.packed.length + (entry.descriptor ? 16 : 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, 20, true);
  v.setUint16(6, 0x800 | (entry.descriptor ? 8 : 0), true);
  v.setUint16(8, entry.method ?? 8, true);
  v.setUint32(18, entry.descriptor ? 0 : entry.packed.length, true);
  v.setUint32(22, entry.descriptor ? 0 : entry.claimed, true);
  v.setUint16(26, name.length, true);
  out.set(name, 30);
  out.set(entry.packed, 30 + name.length);
  if (entry.descriptor) {
    const at = 30 + name.length + entry.packed.length;
    v.setUint32(at, 0x08074b50, true);
    v.setUint32(at + 8, entry.packed.length, true);
    v.setUint32(at + 12, entry.claimed, true);
  }
  return out;
}

/**
 * A zip of `entries`, one central-directory record each, plus `aliases`: more directory records,
 * under other names, for the local entry at `offsetOf(index) + shift` (a crafted zip's way of
 * unpacking one packed blob many times).
 */
/**
 * `zip` (ending in a classic end record without a comment) with a zip64 end record and locator
 * that say its central directory lists `count` files, as a zip of that many would.
 */
function claimingZip64Count(zip: Uint8Array, count: number): Uint8Array {
  const bytes = Buffer.from(zip);
  const eocd = bytes.length - 22;
  if (bytes.readUInt32LE(eocd) !== 0x06054b50) throw new Error("no end record where expected");
  const cdSize = bytes.readUInt32LE(eocd + 12);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(cdSize), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(eocd), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.from(bytes.subarray(eocd));
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  return Buffer.concat([bytes.subarray(0, eocd), record, locator, end]);
}

function craftZip(entries: Entry[], aliases: { name: string; of: number; shift?: number; entry?: Entry }[] = []): Uint8Array {
  const locals = entries.map(localRecord);
  const offsets: number[] = [];
  let at = 0;
  for (const l of locals) {
    offsets.push(at);
    at += l.length;
  }
  const records = [
    ...entries.map((e, i) => ({ e, name: e.name, offset: offsets[i] })),
    ...aliases.map((a) => ({ e: a.entry ?? entries[a.of], name: a.name, offset: offsets[a.of] + (a.shift ?? 0) })),
  ].map(({ e, name, offset }) => {
    const n = strToU8(name);
    const out = new Uint8Array(46 + n.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(8, 0x800 | (e.descriptor ? 8 : 0), true);
    v.setUint16(10, e.method ?? 8, true);
    v.setUint32(20, e.packed.length, true);
    v.setUint32(24, e.claimed, true);
    v.setUint16(28, n.length, true);
    v.setUint32(42, offset, true);
    out.set(n, 46);
    return out;
  });
  const directorySize = records.reduce((sum, r) => sum + r.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, records.length, true);
  v.setUint16(10, records.length, true);
  v.setUint32(12, directorySize, true);
  v.setUint32(16, at, true);
  const zip = new Uint8Array(at + directorySize + 22);
  let w = 0;
  for (const part of [...locals, ...records, end]) {
    zip.set(part, w);
    w += part.length;
  }
  return zip;
}

/** Raw DEFLATE of `mib` MiB of zeros: about 1000 to 1, and no stored block to trip an inflater early. */
function zerosBomb(mib: number): Uint8Array {
  return deflateRawSync(Buffer.alloc(mib << 20), { level: 9 });
}

/** Bytes that do not compress, the same on every run. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const deflated = (text: string): Uint8Array => deflateRawSync(Buffer.from(text));

describe("extractZip on honest zips", () => {
  it("unpacks stored, deflated and streamed entries, inflating only the deflated ones taken", async () => {
    const dest = freshDir();
    const fromZipper = zipSync({
      "repo/exercises/01-alpha.ts": [strToU8("stored answer"), { level: 0 }],
      "repo/exercises/02-beta.ts": [strToU8("deflated answer ".repeat(100)), { level: 9 }],
    });
    const w = watchInflaters();
    expect(await extractZip(fromZipper, dest)).toBe(2);
    expect(readFileSync(join(dest, "repo/exercises/01-alpha.ts"), "utf8")).toBe("stored answer");
    expect(readFileSync(join(dest, "repo/exercises/02-beta.ts"), "utf8")).toBe("deflated answer ".repeat(100));
    expect(await w.settled()).toMatchObject({ inflaters: 1, unpackedBytes: "deflated answer ".repeat(100).length });

    const streamed = craftZip([
      { name: "exercises/03-gamma.ts", packed: deflated("streamed answer"), claimed: 15, descriptor: true },
      { name: "../04-escape.ts", packed: deflated("outside"), claimed: 7 },
    ]);
    const dest2 = freshDir();
    const w2 = watchInflaters();
    expect(await extractZip(streamed, dest2)).toBe(1);
    expect(readFileSync(join(dest2, "exercises/03-gamma.ts"), "utf8")).toBe("streamed answer");
    expect(readdirSync(dest2)).toEqual(["exercises"]);
    // The entry that would escape the folder is not even inflated.
    expect(await w2.settled()).toMatchObject({ inflaters: 1, unpackedBytes: 15 });
  });

  it("says a zip whose packed data is not DEFLATE, or not a zip at all, could not be read", async () => {
    const zip = craftZip([{ name: "exercises/01-alpha.ts", packed: Uint8Array.of(0xff, 0xff, 0xff), claimed: 10 }]);
    await expect(extractZip(zip, freshDir())).rejects.toThrow(/^the uploaded zip could not be read: exercises\/01-alpha\.ts: /);
    const short = craftZip([{ name: "exercises/01-alpha.ts", packed: deflated("short"), claimed: 10 }]);
    await expect(extractZip(short, freshDir())).rejects.toThrow(/^the uploaded zip could not be read: exercises\/01-alpha\.ts: not enough bytes/);
    await expect(extractZip(strToU8("not a zip"), freshDir())).rejects.toThrow(/^the uploaded zip could not be read: /);
  });
});

const names = ["01-alpha.ts", "02-beta.ts", "05-leader.ts"];

describe("extractZip on zips from other tools and odd uploads", () => {
  it("takes a backslash for a folder separator, as in zips made by Windows PowerShell 5.1", async () => {
    const dest = freshDir();
    const zip = craftZip([
      { name: "exercises\\01-alpha.ts", packed: deflated("alpha"), claimed: 5 },
      { name: "repo\\exercises\\02-beta.ts", packed: deflated("beta"), claimed: 4 },
      { name: "..\\05-leader.ts", packed: deflated("escape"), claimed: 6 },
    ]);
    expect(await extractZip(zip, dest)).toBe(2);
    expect(readFileSync(join(dest, "exercises/01-alpha.ts"), "utf8")).toBe("alpha");
    expect(readFileSync(join(dest, "repo/exercises/02-beta.ts"), "utf8")).toBe("beta");
    expect(readdirSync(dest).sort()).toEqual(["exercises", "repo"]);
  });

  it("reads a zip by its path, even one over 2 GiB, reading only what it needs", async () => {
    const dest = freshDir();
    const small = craftZip([{ name: "exercises/01-alpha.ts", packed: deflated("by path"), claimed: 7 }]);
    const path = join(work, "upload.zip");
    writeFileSync(path, small);
    expect(await extractZip(path, dest)).toBe(1);
    expect(readFileSync(join(dest, "exercises/01-alpha.ts"), "utf8")).toBe("by path");

    // The same zip with a 2.5 GiB hole (a sparse file: no disk, no memory) before its central directory.
    const local = 30 + "exercises/01-alpha.ts".length + deflated("by path").length;
    const directory = Buffer.from(small.subarray(local));
    const directoryAt = 2.5 * 2 ** 30;
    directory.writeUInt32LE(directoryAt, directory.length - 22 + 16);
    const huge = join(work, "huge.zip");
    const fd = openSync(huge, "w");
    writeSync(fd, small, 0, local, 0);
    writeSync(fd, directory, 0, directory.length, directoryAt);
    closeSync(fd);
    expect(statSync(huge).size).toBeGreaterThan(2 ** 31);
    const dest2 = freshDir();
    expect(await extractZip(huge, dest2)).toBe(1);
    expect(readFileSync(join(dest2, "exercises/01-alpha.ts"), "utf8")).toBe("by path");
    rmSync(huge);
  });

  it("says a zip it cannot open by path could not be read", async () => {
    await expect(extractZip(join(work, "absent.zip"), freshDir())).rejects.toThrow(/^the uploaded zip could not be read: ENOENT/);
  });

  it("skips, with a note, an entry beneath a folder named like a file the zip also holds", async () => {
    for (const order of [["exercises/05-leader.ts", "exercises/05-leader.ts/01-alpha.ts"], ["exercises/05-leader.ts/01-alpha.ts", "exercises/05-leader.ts"]]) {
      const dest = freshDir();
      const zip = zipSync({ [order[0]]: strToU8(order[0]), [order[1]]: strToU8(order[1]), "exercises/02-beta.ts": strToU8("beta") });
      const leftOut: string[] = [];
      expect(await extractZip(zip, dest, leftOut)).toBe(2);
      expect(readFileSync(join(dest, "exercises/05-leader.ts"), "utf8")).toBe("exercises/05-leader.ts");
      const got = collectSubmission(dest, names, leftOut);
      expect([...got.found.keys()]).toEqual(["02-beta.ts", "05-leader.ts"]);
      expect(got.notes).toEqual([
        "exercises/05-leader.ts/01-alpha.ts lies in a folder named like the file exercises/05-leader.ts, which the zip also holds: not graded.",
      ]);
    }
  });

  it(`leaves packed, with a note, an entry in folders more than ${MAX_DEPTH} deep, which the search never reads`, async () => {
    const dest = freshDir();
    const deepest = `${"d/".repeat(MAX_DEPTH)}01-alpha.ts`;
    const tooDeep = `${"d/".repeat(MAX_DEPTH + 1)}02-beta.ts`;
    const leftOut: string[] = [];
    expect(await extractZip(zipSync({ [deepest]: strToU8("alpha"), [tooDeep]: strToU8("beta") }), dest, leftOut)).toBe(1);
    expect(leftOut).toEqual([`${tooDeep} lies in folders more than ${MAX_DEPTH} deep, which are not searched: not graded.`]);
    expect([...collectSubmission(dest, names, leftOut).found.keys()]).toEqual(["01-alpha.ts"]);
  });

  it("writes no folders for entries thousands deep, which Node 20's rmSync could not remove", async () => {
    // 200 paths ~2,000 folders deep, to the system's limit on a path: 400,000 folders, then a stack overflow.
    const dest = freshDir();
    const zip = zipSync(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`t${i}/${"a/".repeat(2_000)}00-a.ts`, strToU8("x")])));
    const leftOut: string[] = [];
    expect(await extractZip(zip, dest, leftOut)).toBe(0);
    expect(leftOut).toHaveLength(11);
    expect(leftOut[0]).toMatch(new RegExp(`^t0/a/a/a/[a/]*… lies in folders more than ${MAX_DEPTH} deep, which are not searched: not graded\\.$`));
    expect(readdirSync(dest)).toEqual([]);
    rmSync(dest, { recursive: true });
  });

  it("notes the entries it leaves out, for the report collectSubmission makes of the folder", async () => {
    const dest = freshDir();
    const zip = craftZip([
      { name: "exercises/01-alpha.ts", packed: deflated("first"), claimed: 5 },
      { name: "exercises/01-alpha.ts", packed: deflated("second"), claimed: 6 },
      { name: "exercises/02-beta.ts", packed: deflated("tiny"), claimed: MAX_EXERCISE_FILE_BYTES + 1 },
      { name: "../05-leader.ts", packed: deflated("escape"), claimed: 6 },
      { name: "/abs/05-leader.ts", packed: deflated("escape"), claimed: 6 },
    ]);
    const leftOut: string[] = [];
    expect(await extractZip(zip, dest, leftOut)).toBe(1);
    expect(readFileSync(join(dest, "exercises/01-alpha.ts"), "utf8")).toBe("second");
    const got = collectSubmission(dest, names, leftOut);
    expect(got.missing).toEqual(["02-beta.ts", "05-leader.ts"]);
    expect(got.notes).toEqual([
      `exercises/02-beta.ts is ${MAX_EXERCISE_FILE_BYTES + 1} bytes unpacked, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit: not graded.`,
      "The zip holds exercises/01-alpha.ts more than once: only its last copy was extracted.",
      '../05-leader.ts would be extracted outside the upload\'s folder (an absolute path or one with ".."): not graded.',
      '/abs/05-leader.ts would be extracted outside the upload\'s folder (an absolute path or one with ".."): not graded.',
    ]);

    // Past ten, one line counts the rest.
    const escapes = Array.from({ length: 13 }, (_, i) => ({ name: `../${i}/01-alpha.ts`, packed: deflated("x"), claimed: 1 }));
    const more: string[] = [];
    expect(await extractZip(craftZip(escapes), freshDir(), more)).toBe(0);
    const again = collectSubmission(dest, names, more).notes;
    expect(again).toHaveLength(11);
    expect(again[0]).toMatch(/^\.\.\/0\/01-alpha\.ts would be extracted outside/);
    expect(again[10]).toBe("3 more entries of the zip were left out for reasons like these.");
  });
});

/**
 * The most an entry may be inflated past the size its header gives: zlib inflates 16 KiB at a time
 * and, its output refused, stops once the chunks its stream buffers are full (32 KiB past the size
 * measured on Node 20; Node 22 buffers up to 64 KiB).
 */
const OVERSHOOT_BYTES = 128 * 1024;

describe("extractZip on crafted zips", () => {
  it("refuses an entry that inflates past the size its header gives, after inflating a bounded few bytes of it", async () => {
    const dest = freshDir();
    const honest = deflated("honest");
    const zip = craftZip([
      { name: "repo/exercises/01-alpha.ts", packed: honest, claimed: 6 },
      { name: "repo/exercises/02-beta.ts", packed: zerosBomb(64), claimed: 100 },
    ]);
    expect(zip.length).toBeLessThan(100 * 1024);
    const w = watchInflaters();
    await expect(extractZip(zip, dest)).rejects.toThrow(
      "the uploaded zip was refused: repo/exercises/02-beta.ts: larger than 100 bytes once unpacked, the size its header gives; nothing was extracted",
    );
    // 64 MiB behind a 100-byte claim: zlib is stopped within a few chunks of the claim.
    const done = await w.settled();
    expect(done.inflaters).toBe(2);
    expect(done.unpackedBytes).toBeLessThanOrEqual(6 + 100 + OVERSHOOT_BYTES);
    expect(done.packedBytes).toBeLessThanOrEqual(honest.length + 1024); // of the bomb's 64 KiB packed
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
  });

  it("refuses an entry claiming the per-file limit that inflates past it", async () => {
    const zip = craftZip([{ name: "01-alpha.ts", packed: zerosBomb(8), claimed: MAX_EXERCISE_FILE_BYTES }]);
    const w = watchInflaters();
    await expect(extractZip(zip, freshDir())).rejects.toThrow(`01-alpha.ts: larger than ${MAX_EXERCISE_FILE_BYTES} bytes once unpacked`);
    expect((await w.settled()).unpackedBytes).toBeLessThanOrEqual(MAX_EXERCISE_FILE_BYTES + OVERSHOOT_BYTES);
  });

  it("refuses directory entries that point at one packed entry, before inflating any", async () => {
    const dest = freshDir();
    const answer = { name: "repo/exercises/01-alpha.ts", packed: deflated("x".repeat(400_000)), claimed: 400_000 };
    const aliases = [1, 2, 3, 4].map((i) => ({ name: `copy-${i}/01-alpha.ts`, of: 0 }));
    const w = watchInflaters();
    await expect(extractZip(craftZip([answer], aliases), dest)).rejects.toThrow(
      "the uploaded zip was refused: repo/exercises/01-alpha.ts and copy-1/01-alpha.ts share packed data (a crafted zip); nothing was extracted",
    );
    expect(await w.settled()).toEqual(nothingInflated);
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
  });

  it("refuses an entry whose local header lies inside another entry's packed data", async () => {
    const inner: Entry = { name: "b/02-beta.ts", packed: strToU8("inner"), claimed: 5, method: 0 };
    const innerRecord = localRecord(inner);
    const outer: Entry = { name: "a/01-alpha.ts", packed: innerRecord, claimed: innerRecord.length, method: 0 };
    const zip = craftZip([outer], [{ name: "b/02-beta.ts", of: 0, shift: 30 + outer.name.length, entry: inner }]);
    const dest = freshDir();
    await expect(extractZip(zip, dest)).rejects.toThrow("a/01-alpha.ts and b/02-beta.ts share packed data (a crafted zip)");
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
  });

  it(`refuses exercise files of more than ${MAX_ZIP_DEFLATED_BYTES} packed bytes in all, before inflating any`, async () => {
    const dest = freshDir();
    // Incompressible entries of an honest size: two fit under the cap, three do not.
    const size = MAX_ZIP_DEFLATED_BYTES / 2 - 1024;
    const entries = [1, 2, 3].map((i) => ({ name: `copy-${i}/01-alpha.ts`, packed: deflateRawSync(noise(size, i)), claimed: size }));
    const w = watchInflaters();
    await expect(extractZip(craftZip(entries), dest)).rejects.toThrow(
      `the uploaded zip was refused: its files named like exercise files (NN-name.ts) hold more than ${MAX_ZIP_DEFLATED_BYTES} bytes of compressed data; zip only the exercises/ folder`,
    );
    expect(await w.settled()).toEqual(nothingInflated);
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
    expect(await extractZip(craftZip(entries.slice(0, 2)), dest)).toBe(2);
  });

  it(`refuses a zip listing more than ${MAX_ZIP_ENTRIES} files before reading the list`, async () => {
    const dest = freshDir();
    // The zip64 end record says how many files the list holds (the classic one counts to 65,535).
    const zip = claimingZip64Count(craftZip([{ name: "01-alpha.ts", packed: Buffer.from("x"), claimed: 1 }]), MAX_ZIP_ENTRIES + 1);
    const w = watchInflaters();
    await expect(extractZip(zip, dest)).rejects.toThrow(`the uploaded zip was refused: it lists ${MAX_ZIP_ENTRIES + 1} files, more than ${MAX_ZIP_ENTRIES}; zip only the exercises/ folder`);
    expect(await w.settled()).toEqual(nothingInflated);
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
  });

  it(`refuses exercise files of more than ${MAX_ZIP_UNPACKED_BYTES} bytes unpacked in all, before inflating any`, async () => {
    const dest = freshDir();
    const zeros = deflateRawSync(Buffer.alloc(MAX_EXERCISE_FILE_BYTES));
    const count = MAX_ZIP_UNPACKED_BYTES / MAX_EXERCISE_FILE_BYTES + 1;
    const entries = Array.from({ length: count }, (_, i) => ({ name: `copy-${i}/01-alpha.ts`, packed: zeros, claimed: MAX_EXERCISE_FILE_BYTES }));
    const w = watchInflaters();
    await expect(extractZip(craftZip(entries), dest)).rejects.toThrow(
      `the uploaded zip was refused: its files named like exercise files (NN-name.ts) come to more than ${MAX_ZIP_UNPACKED_BYTES} bytes unpacked; zip only the exercises/ folder`,
    );
    expect(await w.settled()).toEqual(nothingInflated);
    expect(() => readdirSync(dest)).toThrow(/ENOENT/);
  });
});
