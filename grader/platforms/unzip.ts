/**
 * Unpacks the exercise files of a zipped submission, and nothing else.
 *
 * Only entries named like an exercise file and at most MAX_EXERCISE_FILE_BYTES unpacked are
 * inflated, so a huge upload costs nothing; entries in folders the submission's walk skips
 * (node_modules/, .git/, …) are left packed too. A zip with more than MAX_ZIP_EXERCISE_FILES such
 * entries is refused before anything is written (a crafted zip of many thousand tiny entries would
 * otherwise cost the batch the time to write them all); entry paths that would escape the
 * destination ("../", absolute) are skipped.
 *
 * A zip's headers are the student's to write, so none is trusted for the cost of unpacking:
 * entries whose packed data overlap (one blob listed many times) are refused, the packed and the
 * unpacked bytes of the entries taken are capped in all (MAX_ZIP_DEFLATED_BYTES,
 * MAX_ZIP_UNPACKED_BYTES), all before inflating anything; each entry is then inflated a slice at a
 * time and refused as soon as it grows past the size its header gives. A refused zip writes nothing.
 */
import { Inflate, strFromU8 } from "fflate";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { MAX_EXERCISE_FILE_BYTES, SKIPPED_DIRS } from "./collect";

const EXERCISE_ENTRY = /(^|\/)\d{2}-[a-z0-9][a-z0-9-]*\.ts$/;

/** Files named like exercise files that one zip may hold: a submission has one per exercise, and perhaps a few copies. */
export const MAX_ZIP_EXERCISE_FILES = 200;

/**
 * Unpacked bytes, in all, of the exercise files taken from one zip. A submission's exercise files
 * come to some 40 KB; this leaves room for many copies, and bounds what a zip may make the batch
 * write, whatever its entry count.
 */
export const MAX_ZIP_UNPACKED_BYTES = 8 * 1024 * 1024;

/**
 * Compressed bytes, in all, of the exercise files taken from one zip. fflate's inflater can spend
 * about 10 ms per KiB of crafted DEFLATE data (a run of tiny blocks, each making it build two
 * 32K-entry Huffman tables) while producing nothing, so the input is what bounds the time; this
 * keeps the worst case to seconds, and a submission's exercise files compress to some 15 KB.
 */
export const MAX_ZIP_DEFLATED_BYTES = 256 * 1024;

/**
 * Compressed bytes fed to the inflater at a time. DEFLATE expands at most 1032 to 1, so one slice
 * yields at most about 1 MiB: the most an entry can overshoot the size its header gives before it
 * is stopped.
 */
export const INFLATE_SLICE_BYTES = 1024;

/** What an extraction cost: compressed bytes fed to the inflater (or copied, for stored entries) and bytes it produced. */
export interface ZipWork {
  packedBytes: number;
  unpackedBytes: number;
}

/** An entry of the central directory taken for unpacking. */
interface Taken {
  name: string;
  method: number;
  packedSize: number;
  /** The unpacked size its header gives: at most MAX_EXERCISE_FILE_BYTES, or it is not taken. */
  claimed: number;
  /** Where its local header starts, where its packed data starts and ends. */
  header: number;
  start: number;
  end: number;
}

class Unreadable extends Error {}

/**
 * Unpacks the exercise files of `zipBytes` into `destDir` and returns how many it wrote; throws,
 * having written nothing, if the zip cannot be read or is refused. `work`, if given, is added the
 * bytes inflated.
 */
export function extractZip(zipBytes: Uint8Array, destDir: string, work?: ZipWork): number {
  const tally: ZipWork = { packedBytes: 0, unpackedBytes: 0 };
  let files: Map<string, Uint8Array>;
  try {
    files = unpack(zipBytes, tally);
  } catch (error) {
    if (error instanceof Unreadable) throw new Error(`the uploaded zip could not be read: ${error.message}`);
    throw error;
  } finally {
    if (work) {
      work.packedBytes += tally.packedBytes;
      work.unpackedBytes += tally.unpackedBytes;
    }
  }
  mkdirSync(destDir, { recursive: true });
  for (const [relative, bytes] of files) {
    const path = join(destDir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  return files.size;
}

/** The exercise files of a zip, by path, all checked and inflated in memory. */
function unpack(zip: Uint8Array, work: ZipWork): Map<string, Uint8Array> {
  const taken = exerciseEntries(zip);

  // Honest zips never share packed data between entries; a crafted one lists one blob many times.
  const byPlace = [...taken].sort((a, b) => a.header - b.header);
  for (let i = 1, last = byPlace[0]; i < byPlace.length; i++) {
    if (byPlace[i].header < last.end) {
      throw new Error(`the uploaded zip was refused: ${last.name} and ${byPlace[i].name} share packed data (a crafted zip); nothing was extracted`);
    }
    if (byPlace[i].end > last.end) last = byPlace[i];
  }

  // The last entry of a path wins, as when unzipping by hand; a path that would escape is skipped.
  const wanted = new Map<string, Taken>();
  for (const entry of taken) {
    const relative = normalize(entry.name);
    if (isAbsolute(relative) || relative.split(sep).includes("..")) continue;
    wanted.delete(relative);
    wanted.set(relative, entry);
  }

  let unpacked = 0;
  let deflated = 0;
  for (const entry of wanted.values()) {
    if (entry.method !== 0 && entry.method !== 8) throw new Unreadable(`${entry.name}: unknown compression type ${entry.method}`);
    unpacked += entry.claimed;
    if (entry.method === 8) deflated += entry.packedSize;
  }
  if (unpacked > MAX_ZIP_UNPACKED_BYTES) {
    throw new Error(`the uploaded zip was refused: its files named like exercise files (NN-name.ts) come to more than ${MAX_ZIP_UNPACKED_BYTES} bytes unpacked; zip only the exercises/ folder`);
  }
  if (deflated > MAX_ZIP_DEFLATED_BYTES) {
    throw new Error(`the uploaded zip was refused: its files named like exercise files (NN-name.ts) hold more than ${MAX_ZIP_DEFLATED_BYTES} bytes of compressed data; zip only the exercises/ folder`);
  }

  const files = new Map<string, Uint8Array>();
  for (const [relative, entry] of wanted) files.set(relative, inflateEntry(zip, entry, work));
  return files;
}

/** An entry's bytes, inflated a slice at a time and stopped as soon as they pass the size its header gives. */
function inflateEntry(zip: Uint8Array, entry: Taken, work: ZipWork): Uint8Array {
  const packed = zip.subarray(entry.start, entry.end);
  const tooLarge = () =>
    new Error(`the uploaded zip was refused: ${entry.name}: larger than ${entry.claimed} bytes once unpacked, the size its header gives; nothing was extracted`);
  if (entry.method === 0) {
    if (packed.length > entry.claimed) throw tooLarge();
    work.packedBytes += packed.length;
    work.unpackedBytes += packed.length;
    return packed.slice();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    work.unpackedBytes += chunk.length;
    if (size <= entry.claimed) chunks.push(chunk);
  });
  try {
    for (let at = 0; at < packed.length && size <= entry.claimed; at += INFLATE_SLICE_BYTES) {
      const slice = packed.subarray(at, at + INFLATE_SLICE_BYTES);
      work.packedBytes += slice.length;
      inflater.push(slice, at + INFLATE_SLICE_BYTES >= packed.length);
    }
  } catch (error) {
    throw new Unreadable(`${entry.name}: ${(error as Error).message}`);
  }
  if (size > entry.claimed) throw tooLarge();
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The central directory's entries named like an exercise file, outside skipped folders and at most
 * MAX_EXERCISE_FILE_BYTES unpacked by their header, with where their data lies; more than
 * MAX_ZIP_EXERCISE_FILES of them are refused. Reads headers only.
 */
function exerciseEntries(zip: Uint8Array): Taken[] {
  const u16 = (at: number): number => {
    if (at < 0 || at + 2 > zip.length) throw new Unreadable("invalid zip data");
    return zip[at] | (zip[at + 1] << 8);
  };
  const u32 = (at: number): number => (u16(at) | (u16(at + 2) << 16)) >>> 0;
  const u64 = (at: number): number => u32(at) + u32(at + 4) * 2 ** 32;

  // The end-of-central-directory record, within the last 64 KiB (its comment) of the zip.
  let end = zip.length - 22;
  while (end >= 0 && u32(end) !== 0x06054b50) {
    if (zip.length - end > 65_558) end = -1;
    else end--;
  }
  if (end < 0) throw new Unreadable("invalid zip data");
  let count = u16(end + 10);
  let at = u32(end + 16);
  if (end >= 20 && u32(end - 20) === 0x07064b50) {
    const end64 = u64(end - 12);
    if (u32(end64) === 0x06064b50) {
      count = u64(end64 + 32);
      at = u64(end64 + 48);
    }
  }

  const taken: Taken[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(at) !== 0x02014b50) throw new Unreadable("invalid zip data");
    const flags = u16(at + 8);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    if (at + 46 + nameLength > zip.length) throw new Unreadable("invalid zip data");
    const name = strFromU8(zip.subarray(at + 46, at + 46 + nameLength), !(flags & 0x800));
    let packedSize = u32(at + 20);
    let claimed = u32(at + 24);
    let header = u32(at + 42);
    if (packedSize === 0xffffffff || claimed === 0xffffffff || header === 0xffffffff) {
      // Zip64: the fields that overflowed are in an extra field, in this order.
      for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; x += 4 + u16(x + 2)) {
        if (u16(x) !== 1) continue;
        let field = x + 4;
        if (claimed === 0xffffffff) (claimed = u64(field)), (field += 8);
        if (packedSize === 0xffffffff) (packedSize = u64(field)), (field += 8);
        if (header === 0xffffffff) header = u64(field);
        break;
      }
    }
    const method = u16(at + 10);
    at += 46 + nameLength + extraLength + u16(at + 32);

    if (
      !EXERCISE_ENTRY.test(name) ||
      claimed > MAX_EXERCISE_FILE_BYTES ||
      name.split("/").some((part) => SKIPPED_DIRS.has(part))
    ) {
      continue;
    }
    if (taken.length === MAX_ZIP_EXERCISE_FILES) {
      throw new Error(`the uploaded zip holds more than ${MAX_ZIP_EXERCISE_FILES} files named like exercise files (NN-name.ts); zip only the exercises/ folder`);
    }
    if (u32(header) !== 0x04034b50) throw new Unreadable(`${name}: invalid zip data`);
    const start = header + 30 + u16(header + 26) + u16(header + 28);
    const stop = start + packedSize;
    if (stop > zip.length) throw new Unreadable(`${name}: its data runs past the end of the zip`);
    taken.push({ name, method, packedSize, claimed, header, start, end: stop });
  }
  return taken;
}
