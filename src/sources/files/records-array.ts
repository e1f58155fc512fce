import { MAX_JSON_DEPTH } from "../../shared/json.js";
import { MAX_RECORD_CHARS } from "./split-records.js";

/**
 * A CloudTrail log file as CloudTrail writes it, `{"Records":[{"eventVersion":…},{"eventVersion":…}]}`, cut into
 * its records where each one starts, on its bytes, without walking every character as the splitter
 * (split-records.ts) must for input of any shape: about a sixth of its cost, and each record becomes a small string
 * of its own instead of a slice of one string the size of the file (docs/performance.md).
 *
 * Why the cut is sound: a JSON string cannot hold `{"eventVersion"` (its quotes would be escaped), and UTF-8 never
 * puts an ASCII byte inside a multi-byte character, so outside the records' strings those bytes only ever start an
 * object. When that object is not a record but one nested inside a record, the piece before it is a record's text
 * cut short, which never parses as JSON (its outer object is not closed): the caller parses each piece and, at the
 * first that does not parse, hands the file to the splitter from that record on. What the splitter would refuse
 * before parsing (a record over the size limit, or nested deeper than the depth limit) makes this return null
 * instead, and so does any other shape.
 */

const MARKER = Buffer.from('{"eventVersion"');
const RECORDS = Buffer.from('"Records"');
const UTF8_BOM = [0xef, 0xbb, 0xbf];

export interface CutLimits {
  /** The splitter's record size limit, in characters (a byte is at most one). */
  maxUnitChars?: number;
  /** The splitter's depth limit. */
  maxDepth?: number;
}

function isSpace(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Where the first record starts: after `{"Records":[` and the space around its parts, or -1. */
function recordsStart(bytes: Buffer): number {
  let i = UTF8_BOM.every((b, k) => bytes[k] === b) ? 3 : 0;
  const skip = () => {
    while (isSpace(bytes[i])) i++;
  };
  skip();
  if (bytes[i++] !== 0x7b) return -1;
  skip();
  if (!bytes.subarray(i, i + RECORDS.length).equals(RECORDS)) return -1;
  i += RECORDS.length;
  skip();
  if (bytes[i++] !== 0x3a) return -1;
  skip();
  if (bytes[i++] !== 0x5b) return -1;
  skip();
  return i;
}

/** Where the records end: at the `]` of the `]}` that closes the document, or -1. */
function recordsEnd(bytes: Buffer): number {
  let i = bytes.length - 1;
  while (isSpace(bytes[i])) i--;
  if (bytes[i] !== 0x7d) return -1;
  i--;
  while (isSpace(bytes[i])) i--;
  return bytes[i] === 0x5d ? i : -1;
}

/**
 * At most `max` opening brackets (inside strings too): an upper bound on how deep the piece nests, found with
 * `indexOf` rather than a walk over every byte.
 */
function fewOpeners(piece: Buffer, max: number): boolean {
  let n = 0;
  for (const opener of [0x7b, 0x5b])
    for (let i = piece.indexOf(opener); i !== -1; i = piece.indexOf(opener, i + 1))
      if (++n > max) return false;
  return true;
}

/**
 * The records of a whole log file in CloudTrail's own layout, as byte offsets: record i runs from cuts[2i] to
 * cuts[2i+1] (exclusive). Null when the file is not in that layout.
 */
export function cutRecordsArray(bytes: Buffer, limits: CutLimits = {}): number[] | null {
  const maxChars = limits.maxUnitChars ?? MAX_RECORD_CHARS;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const first = recordsStart(bytes);
  const end = recordsEnd(bytes);
  if (first === -1 || end === -1 || !bytes.subarray(first, first + MARKER.length).equals(MARKER)) return null;
  const cuts: number[] = [];
  for (let start = first; start < end; ) {
    const found = bytes.indexOf(MARKER, start + 1);
    const next = found === -1 || found > end ? end : found;
    let last = next - 1;
    while (isSpace(bytes[last])) last--;
    if (next < end) {
      if (bytes[last] !== 0x2c) return null;
      last--;
      while (isSpace(bytes[last])) last--;
    }
    if (bytes[last] !== 0x7d || last < start) return null;
    if (last + 1 - start > maxChars || !fewOpeners(bytes.subarray(start, last + 1), maxDepth)) return null;
    cuts.push(start, last + 1);
    start = next;
  }
  return cuts;
}
