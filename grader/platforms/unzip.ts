/**
 * Unpacks the exercise files of a zipped submission, and nothing else.
 *
 * Read with yauzl, not by hand: well kept, zip64, node:zlib (fast even on crafted DEFLATE), sizes checked while streaming.
 *
 * Only entries named like an exercise file and at most MAX_EXERCISE_FILE_BYTES unpacked are
 * inflated, so a huge upload costs nothing; entries in folders the submission's walk skips
 * (node_modules/, .git/, …) are left packed too. A zip with more than MAX_ZIP_EXERCISE_FILES such
 * entries is refused before anything is written (a crafted zip of many thousand tiny entries would
 * otherwise cost the batch the time to write them all); entry paths that would escape the
 * destination ("../", absolute) are skipped, and so are those in folders deeper than the walk of
 * the unpacked upload reads (collect.ts's MAX_DEPTH): a file it would never take is not written.
 * A zip's paths may be thousands of folders deep, to the system's limit on a path's length: 200
 * such entries made the batch create some 400,000 folders (a minute of CPU), and then removing
 * them ran Node 20's recursive rmSync out of stack, which ended the batch before its gradebook.
 *
 * A zip's headers are the student's to write, so none is trusted for the cost of unpacking:
 * entries whose packed data overlap (one blob listed many times) are refused, the packed and the
 * unpacked bytes of the entries taken are capped in all (MAX_ZIP_DEFLATED_BYTES,
 * MAX_ZIP_UNPACKED_BYTES), all before inflating anything; an entry that then grows past the size
 * its header gives is refused as soon as it does (yauzl's validateEntrySizes: zlib is stopped a
 * few 16 KiB chunks past it). A refused zip writes nothing.
 *
 * The zip is opened by path, not read into memory: only its central directory, the local headers
 * of the exercise entries and their packed data are read, whatever the size of the upload (a 1.9 GB
 * zip used to cost 2 GB of memory, and one over 2 GiB could not be read at all).
 *
 * What is left out of an honest-looking zip without refusing it (an exercise entry over the size
 * limit, a path that would escape, a second entry of the same path, a file under a folder of the
 * same name as another file) is said in notes, which the caller hands to collectSubmission to
 * report with its own.
 */
import { mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { type Entry, type Options, type ZipFile, fromBufferPromise, getFileNameLowLevel, openPromise } from "yauzl";
import { plainName } from "../format/text";
import { isExerciseFileName, MAX_DEPTH, MAX_EXERCISE_FILE_BYTES, SKIPPED_DIRS } from "./collect";
import { MAX_LOOK_ALIKE_CANDIDATES, mightBeMisnamed } from "./look-alike";


/** Files named like exercise files that one zip may hold: a submission has one per exercise, and perhaps a few copies. */
export const MAX_ZIP_EXERCISE_FILES = 200;

/**
 * Unpacked bytes, in all, of the exercise files taken from one zip. A submission's exercise files
 * come to some 40 KB; this leaves room for many copies, and bounds what a zip may make the batch
 * write, whatever its entry count.
 */
export const MAX_ZIP_UNPACKED_BYTES = 8 * 1024 * 1024;

/**
 * Compressed bytes, in all, of the exercise files taken from one zip: the input bounds the time
 * to inflate data that produces little or nothing. The worst such input measured, a run of tiny
 * DEFLATE blocks each declaring 15-bit Huffman codes, costs node:zlib about 0.1 ms per KiB, some
 * 25 ms at this cap (fflate, used before, took 10 to 13 ms per KiB: 2.5 to 3.3 s). A submission's
 * exercise files compress to some 15 KB.
 */
export const MAX_ZIP_DEFLATED_BYTES = 256 * 1024;

/**
 * Files a zip may list in all. Reading the list costs yauzl about 10 µs a file, so a crafted zip
 * of a million empty entries would cost the batch some 10 s before anything is unpacked; a
 * student's whole repository, node_modules included, lists some 15,000.
 */
export const MAX_ZIP_ENTRIES = 100_000;

/** An entry taken for unpacking, with where its local header starts and its packed data ends. */
interface Taken {
  name: string;
  entry: Entry;
  header: number;
  end: number;
}

/** The zip is readable but refused; any other error means it could not be read. */
class Refused extends Error {}

/** Notes about entries left out, for the report: at most this many, then one line that counts the rest. */
const MAX_NOTES = 10;

/**
 * Unpacks the exercise files of the zip at `zip` (a path; or its bytes, as tests and older callers
 * pass) into `destDir` and resolves to how many it wrote; rejects, having written nothing, if the
 * zip cannot be read or is refused. Entries it leaves out are said in `leftOut` (give it to
 * collectSubmission of `destDir`, which reports them with its own notes). The paths of entries
 * that may be a misnamed exercise file (`06-fencing copy.ts`) are added to `packed`, left packed:
 * collectSubmission names the ones that look like a missing exercise, and grades none of them.
 */
export async function extractZip(zip: string | Uint8Array, destDir: string, leftOut: string[] = [], packed: string[] = []): Promise<number> {
  const notes: string[] = [];
  let files: Map<string, Buffer>;
  try {
    files = await unpack(zip, notes, packed);
  } catch (error) {
    if (error instanceof Refused) throw new Error(error.message);
    throw new Error(`the uploaded zip could not be read: ${(error as Error).message}`);
  }
  mkdirSync(destDir, { recursive: true });
  let written = 0;
  for (const [relative, bytes] of files) {
    const path = join(destDir, relative);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      written++;
    } catch (error) {
      // unpack leaves out the conflicts it can see; whatever else fails costs only this entry, and
      // the note names it as the zip does, never by the batch's own temporary path.
      try {
        unlinkSync(path); // a file half written is not graded
      } catch {}
      notes.push(`${shown(relative)} could not be extracted (${(error as NodeJS.ErrnoException).code ?? "error"}): not graded.`);
    }
  }
  leftOut.push(...capped(notes));
  return written;
}

/** The exercise files of a zip, by path, all checked and inflated in memory; entries left out are told in `notes`. */
async function unpack(zip: string | Uint8Array, notes: string[], packed: string[]): Promise<Map<string, Buffer>> {
  // Names are decoded here, not by yauzl, which would refuse the whole zip for one entry named "../x".
  const options: Options = { decodeStrings: false, validateEntrySizes: true, autoClose: false };
  const zipfile =
    typeof zip === "string"
      ? await openPromise(zip, options)
      : await fromBufferPromise(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), options);
  // An error with no one listening would be thrown out of the event loop; each read reports its own.
  zipfile.on("error", () => {});
  try {
    if (zipfile.entryCount > MAX_ZIP_ENTRIES) {
      throw new Refused(`the uploaded zip was refused: it lists ${zipfile.entryCount} files, more than ${MAX_ZIP_ENTRIES}; zip only the exercises/ folder`);
    }
    const taken = await exerciseEntries(zipfile, notes, packed);

    // Honest zips never share packed data between entries; a crafted one lists one blob many times.
    const byPlace = [...taken].sort((a, b) => a.header - b.header);
    for (let i = 1, last = byPlace[0]; i < byPlace.length; i++) {
      if (byPlace[i].header < last.end) {
        throw new Refused(`the uploaded zip was refused: ${shown(last.name)} and ${shown(byPlace[i].name)} share packed data (a crafted zip); nothing was extracted`);
      }
      if (byPlace[i].end > last.end) last = byPlace[i];
    }

    // The last entry of a path wins, as when unzipping by hand; a path that would escape is skipped.
    const wanted = new Map<string, Taken>();
    for (const item of taken) {
      const relative = normalize(item.name);
      if (isAbsolute(relative) || /^[A-Za-z]:/.test(relative) || relative.split(sep).includes("..")) {
        notes.push(`${shown(item.name)} would be extracted outside the upload's folder (an absolute path or one with ".."): not graded.`);
        continue;
      }
      // Deeper than the search of the upload goes: never taken, so never written.
      if (relative.split(sep).length - 1 > MAX_DEPTH) {
        notes.push(`${shown(relative)} lies in folders more than ${MAX_DEPTH} deep, which are not searched: not graded.`);
        continue;
      }
      if (wanted.has(relative)) notes.push(`The zip holds ${shown(relative)} more than once: only its last copy was extracted.`);
      wanted.delete(relative);
      wanted.set(relative, item);
    }
    // A file cannot also be a folder: "05-x.ts" and "05-x.ts/01-y.ts" cannot both be written. The
    // shallower file is kept, as the likelier answer; the entries beneath it are left out.
    for (const relative of [...wanted.keys()]) {
      const parts = relative.split(sep);
      const file = parts.slice(1).map((_, i) => parts.slice(0, i + 1).join(sep)).find((folder) => wanted.has(folder));
      if (file === undefined) continue;
      notes.push(`${shown(relative)} lies in a folder named like the file ${shown(file)}, which the zip also holds: not graded.`);
      wanted.delete(relative);
    }

    let unpacked = 0;
    let deflated = 0;
    for (const { name, entry } of wanted.values()) {
      const method = entry.compressionMethod;
      if (method !== 0 && method !== 8) throw new Error(`${shown(name)}: unknown compression type ${method}`);
      if (entry.isEncrypted()) throw new Error(`${shown(name)}: encrypted, which is not supported`);
      unpacked += entry.uncompressedSize;
      if (method === 8) deflated += entry.compressedSize;
    }
    if (unpacked > MAX_ZIP_UNPACKED_BYTES) {
      throw new Refused(`the uploaded zip was refused: its files named like exercise files (NN-name.ts) come to more than ${MAX_ZIP_UNPACKED_BYTES} bytes unpacked; zip only the exercises/ folder`);
    }
    if (deflated > MAX_ZIP_DEFLATED_BYTES) {
      throw new Refused(`the uploaded zip was refused: its files named like exercise files (NN-name.ts) hold more than ${MAX_ZIP_DEFLATED_BYTES} bytes of compressed data; zip only the exercises/ folder`);
    }

    const files = new Map<string, Buffer>();
    for (const [relative, item] of wanted) files.set(relative, await contents(zipfile, item));
    return files;
  } finally {
    zipfile.close();
  }
}

/** An entry's bytes; yauzl stops the stream as soon as they pass the size its header gives. */
async function contents(zipfile: ZipFile, { name, entry }: Taken): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    const stream = await zipfile.openReadStreamPromise(entry);
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    const message = (error as Error).message;
    // yauzl's validateEntrySizes, past the size the header gives; "not enough bytes" is merely unreadable.
    if (message.startsWith("too many bytes in the stream")) {
      throw new Refused(`the uploaded zip was refused: ${shown(name)}: larger than ${entry.uncompressedSize} bytes once unpacked, the size its header gives; nothing was extracted`);
    }
    throw new Error(`${shown(name)}: ${message}`);
  }
  return Buffer.concat(chunks);
}

/**
 * The central directory's entries named like an exercise file, outside skipped folders and at most
 * MAX_EXERCISE_FILE_BYTES unpacked by their header (larger ones are told in `notes`), with where
 * their data lies; more than MAX_ZIP_EXERCISE_FILES of them are refused. Entries that may be a
 * misnamed exercise file are listed in `packed` (at most MAX_LOOK_ALIKE_CANDIDATES). Reads headers only.
 */
async function exerciseEntries(zipfile: ZipFile, notes: string[], packed: string[]): Promise<Taken[]> {
  const taken: Taken[] = [];
  for await (const entry of zipfile.eachEntry()) {
    // Not strict: a backslash separates folders, as in the zips Windows PowerShell 5.1's
    // Compress-Archive writes ("exercises\\01-read-your-writes.ts"); no file name of ours holds one.
    const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const base = name.slice(name.lastIndexOf("/") + 1);
    if (name.split("/").some((part) => SKIPPED_DIRS.has(part))) continue;
    if (!isExerciseFileName(base)) {
      if (packed.length < MAX_LOOK_ALIKE_CANDIDATES && mightBeMisnamed(base) && !name.split("/").includes("..")) packed.push(name.replace(/^\/+/, ""));
      continue;
    }
    if (entry.uncompressedSize > MAX_EXERCISE_FILE_BYTES) {
      notes.push(`${shown(name)} is ${entry.uncompressedSize} bytes unpacked, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit: not graded.`);
      continue;
    }
    if (taken.length === MAX_ZIP_EXERCISE_FILES) {
      throw new Refused(`the uploaded zip holds more than ${MAX_ZIP_EXERCISE_FILES} files named like exercise files (NN-name.ts); zip only the exercises/ folder`);
    }
    let dataStart: number;
    try {
      // Also checks that the entry's data lies within the zip.
      dataStart = (await zipfile.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
    } catch (error) {
      throw new Error(`${shown(name)}: ${(error as Error).message}`);
    }
    taken.push({ name, entry, header: entry.relativeOffsetOfLocalHeader, end: dataStart + entry.compressedSize });
  }
  return taken;
}

/** A path of the zip as its student wrote it, with "/" between folders. */
function shown(relative: string): string {
  return plainName(relative.split(sep).join("/"));
}

/** `notes` with those past MAX_NOTES counted in one line: a crafted zip may list thousands. */
function capped(notes: string[]): string[] {
  if (notes.length <= MAX_NOTES) return notes;
  return [...notes.slice(0, MAX_NOTES), `${notes.length - MAX_NOTES} more entries of the zip were left out for reasons like these.`];
}
