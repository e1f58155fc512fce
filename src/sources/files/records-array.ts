import { MAX_JSON_DEPTH } from "../../shared/json.js";
import { MAX_RECORD_CHARS } from "./split-records.js";

/**
 * A CloudTrail log file as CloudTrail writes it, `{"Records":[{"eventVersion":…},{"eventVersion":…}]}`, cut into
 * its record texts where each record starts, without walking every character as the splitter (split-records.ts)
 * must for input of any shape: about a sixth of its cost (docs/performance.md).
 *
 * Why the cut is sound: a JSON string cannot hold `{"eventVersion"` (its quotes would be escaped), so outside the
 * records' strings the text only ever starts an object. When that object is not a record but one nested inside a
 * record, the piece before it is a record's text cut short, which never parses as JSON (its outer object is not
 * closed): the caller parses each piece and, at the first that does not parse, hands the file to the splitter from
 * that record on. What the splitter would refuse before parsing (a record over the size limit, or nested deeper
 * than the depth limit) makes this return null instead, and so does any other shape.
 */

const MARKER = '{"eventVersion"';
const HEAD = /^[ \t\n\r\uFEFF]*\{[ \t\n\r]*"Records"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*/;

export interface CutLimits {
  /** The splitter's record size limit, in characters. */
  maxUnitChars?: number;
  /** The splitter's depth limit. */
  maxDepth?: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Where the records end: before the `]}` that closes the document and any space around them, or -1. */
function recordsEnd(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 0xfeff)) i--;
  if (text[i] !== "}") return -1;
  i--;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return text[i] === "]" ? i : -1;
}

/**
 * At most `max` opening brackets (inside strings too): an upper bound on how deep the text nests, found with
 * `indexOf` rather than a walk over every character.
 */
function fewOpeners(piece: string, max: number): boolean {
  let n = 0;
  for (const opener of ["{", "["])
    for (let i = piece.indexOf(opener); i !== -1; i = piece.indexOf(opener, i + 1))
      if (++n > max) return false;
  return true;
}

/** The record texts of a whole log file in CloudTrail's own layout, or null when it is not in that layout. */
export function cutRecordsArray(text: string, limits: CutLimits = {}): string[] | null {
  const maxChars = limits.maxUnitChars ?? MAX_RECORD_CHARS;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const head = HEAD.exec(text);
  const end = recordsEnd(text);
  if (head === null || end === -1 || !text.startsWith(MARKER, head[0].length)) return null;
  const pieces: string[] = [];
  for (let start = head[0].length; start < end; ) {
    const found = text.indexOf(MARKER, start + 1);
    const next = found === -1 || found > end ? end : found;
    let last = next - 1;
    while (isSpace(text.charCodeAt(last))) last--;
    if (next < end) {
      if (text[last] !== ",") return null;
      last--;
      while (isSpace(text.charCodeAt(last))) last--;
    }
    if (text[last] !== "}" || last < start) return null;
    const piece = text.slice(start, last + 1);
    if (piece.length > maxChars || !fewOpeners(piece, maxDepth)) return null;
    pieces.push(piece);
    start = next;
  }
  return pieces;
}
