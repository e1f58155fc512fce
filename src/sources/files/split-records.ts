import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  closingQuote,
  exceedsDepth,
  MAX_JSON_DEPTH,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "../../shared/json.js";

/**
 * Splits a stream of JSON text into record texts without parsing the whole input, so memory stays flat whatever
 * the file size. It recognises how CloudTrail really arrives:
 * - `{"Records":[…]}` log files (S3 delivery) and `{"Events":[…]}` (`aws cloudtrail lookup-events` output): each
 *   element of the array is a unit, whatever other keys come before;
 * - JSON arrays of records: each element is a unit;
 * - JSON-lines: each line is a unit (a bad line is reported and the next line starts afresh);
 * - one or more concatenated JSON objects (a single record, an EventBridge event, pretty-printed or not).
 * Each unit keeps its original text (stored raw for denials) and where it was found (line, index).
 *
 * Broken input loses nothing good. An element that is not an object, text between records, a record nested
 * deeper than the bound, larger than the size limit or cut off by the end of input is reported with its text (up
 * to the record size limit) and where it lies, and reading goes on. A record cut short in the middle of a file is
 * found by the next record's start: the text every record of the input begins with (`{"eventVersion"`, learned
 * from the first record) appearing where it cannot belong ends the broken record there, and reading resumes on the
 * record that begins. A wrapper met inside another (two files concatenated, the first cut) is read as a wrapper.
 */

export interface TextUnit {
  kind: "unit";
  text: string;
  /** 1-based line of the unit's first character. */
  line: number;
  /** 0-based position in the Records array or top-level array, when it came from one. */
  index: number | null;
}

export const splitProblemReasons = [
  "json.invalid",
  "file.not_cloudtrail",
  "record.not_object",
  "record.too_large",
  "record.too_deep",
  "record.truncated",
  "record.cut_short",
] as const;

export interface SplitProblem {
  kind: "problem";
  reason: (typeof splitProblemReasons)[number];
  detail: string;
  line: number;
  index: number | null;
  /** The offending text: all of it up to the record size limit, else its first MAX_PROBLEM_TEXT characters. */
  text: string;
  /** Where it lies in the decoded input, in characters: what finds it when `text` is not all of it. */
  offset: number;
  length: number;
  /** How many records it spans, or null when that cannot be told. */
  records: number | null;
}

export type SplitItem = TextUnit | SplitProblem;

const NEWLINE = 10;
const COMMA = 44;
const COLON = 58;

/** How much text format detection may read before settling for structural scanning. */
const DETECT_LIMIT = 1024 * 1024;

/** What is kept of a rejected piece of input larger than the record size limit, enough to see what it was. */
export const MAX_PROBLEM_TEXT = 64 * 1024;

/** The default record size limit, in characters. */
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** Keys a record's text starts with, from which the input's record-start text is learned. */
const MARKER_KEYS = new Set(["eventVersion", "EventId"]);
/** Keys whose array value holds the records: CloudTrail log files and LookupEvents output. */
const WRAPPER_KEYS = new Set(["Records", "Events"]);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/**
 * How many records a piece of text spans, counted by the fields each record has once (`"eventVersion"`,
 * `"eventID"`, LookupEvents' `"EventId"`); null when it holds none of them, so nothing can be said.
 */
export function recordsSpanned(text: string): number | null {
  const count = (needle: string) => {
    let n = 0;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
    return n;
  };
  const n = Math.max(count('"eventVersion"'), count('"eventID"'), count('"EventId"'));
  return n > 0 ? n : null;
}

/** What a non-object element is, from its first character. */
function elementKind(c: number): string {
  if (c === QUOTE) return "string";
  if (c === OPEN_BRACKET) return "array";
  if (c === 116 || c === 102) return "boolean";
  if (c === 110) return "null";
  if (c === 45 || (c >= 48 && c <= 57)) return "number";
  return "text that is not JSON";
}

/** The key before a `:` that precedes position `at` (skipping whitespace), or null. */
function keyBefore(buf: string, at: number): string | null {
  let i = at - 1;
  while (i >= 0 && isSpace(buf.charCodeAt(i))) i--;
  if (buf.charCodeAt(i) !== COLON) return null;
  i--;
  while (i >= 0 && isSpace(buf.charCodeAt(i))) i--;
  if (buf.charCodeAt(i) !== QUOTE) return null;
  const open = buf.lastIndexOf('"', i - 1);
  return open === -1 || i - open > 32 ? null : buf.slice(open + 1, i);
}

/** The last non-space character before `at`, or -1. */
function previousChar(buf: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && isSpace(buf.charCodeAt(i))) i--;
  return i >= 0 ? buf.charCodeAt(i) : -1;
}

type Mode = "detect" | "lines" | "structure";

export interface SplitterOptions {
  /** A unit larger than this is reported as record.too_large and skipped. */
  maxUnitChars?: number;
  /** A unit nested deeper than this (below its own top level) is reported as record.too_deep and skipped. */
  maxDepth?: number;
}

/** An element read past what may be held or parsed: its problem is reported once its end is found. */
interface Skip {
  reason: "record.too_large" | "record.too_deep";
  detail: string;
  offset: number;
  line: number;
  index: number | null;
  /** Its first characters, once it is too large to hold whole. */
  preview: string | null;
}

export class RecordSplitter {
  private readonly maxUnit: number;
  private readonly maxDepth: number;
  /** Brackets deeper than this are only counted (an element that deep is being skipped). */
  private readonly stackLimit: number;
  private mode: Mode = "detect";
  /** Text not yet consumed. Holds at most the element being read plus one chunk. */
  private buf = "";
  /** Characters of input before buf[0]. */
  private base = 0;
  private line = 1;
  private scanPos = 0;

  // structure mode state
  private depth = 0;
  private inString = false;
  /** Where the string being scanned began (kept through compaction so escapes can be checked). */
  private stringStart = -1;
  /** Which bracket opened each depth, to find a record whose brackets do not match. */
  private readonly opens: number[] = [];
  /** Depth at which elements are units: 0 for bare objects, 1 in a top-level array, 2 in {"Records":[…]}. */
  private unitDepth = 0;
  /** Outer levels when a wrapper opens inside another; restored when it closes. */
  private readonly levels: { unitDepth: number; index: number }[] = [];
  private index = 0;
  /** The element being read at unitDepth (index in buf, or -1), and whether it is an object (a unit). */
  private elementStart = -1;
  private elementLine = 0;
  private elementIsObject = false;
  private skip: Skip | null = null;
  private sawUnit = false;
  /** The text records of this input start with, learned from the first one; null until known. */
  private marker: string | null = null;
  /** Index in buf of the next marker after the element's start, -1 when none is in buf yet. */
  private markerAt = -1;
  /** Where in buf the search for the next marker resumes when more text comes. */
  private markerFrom = 0;

  constructor(options: SplitterOptions = {}) {
    this.maxUnit = options.maxUnitChars ?? MAX_RECORD_CHARS;
    this.maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
    this.stackLimit = this.maxDepth + 16;
  }

  /** Feeds the next chunk of text; returns the units completed by it. */
  push(chunk: string): SplitItem[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    const out: SplitItem[] = [];
    if (this.mode === "detect") this.detect();
    if (this.mode === "lines") this.scanLines(out, false);
    else if (this.mode === "structure") {
      this.findMarker();
      this.scanStructure(out, false);
    }
    return out;
  }

  /** Signals the end of input; returns the last unit and any problem with an unfinished one. */
  end(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.mode === "detect") this.detect(true);
    if (this.mode === "lines") this.scanLines(out, true);
    else if (this.mode === "structure") {
      this.scanStructure(out, true);
      this.endStructure(out);
    }
    this.base += this.buf.length;
    this.buf = "";
    return out;
  }

  /**
   * JSON-lines when the first value ends on its first line and another value follows on the next line;
   * otherwise structural scanning. Decided once, on the first complete line.
   */
  private detect(atEnd = false): void {
    let i = 0;
    while (i < this.buf.length && isSpace(this.buf.charCodeAt(i))) i++;
    if (i === this.buf.length) {
      if (atEnd) this.mode = "structure";
      return;
    }
    if (this.buf.charCodeAt(i) !== OPEN_BRACE) {
      this.mode = "structure";
      return;
    }
    // CloudTrail delivers {"Records":[…]} files on one line: never wait for a newline there.
    if (/^\{\s*"(Records|Events)"\s*:/.test(this.buf.slice(i, i + 64))) {
      this.mode = "structure";
      return;
    }
    const nl = this.buf.indexOf("\n", i);
    if (nl === -1) {
      if (atEnd || this.buf.length - i > DETECT_LIMIT) this.mode = "structure";
      return;
    }
    const firstLine = this.buf.slice(i, nl).trim();
    this.mode = firstLine.endsWith("}") && balanced(firstLine) ? "lines" : "structure";
  }

  private scanLines(out: SplitItem[], atEnd: boolean): void {
    let start = 0;
    const buf = this.buf;
    for (;;) {
      const nl = buf.indexOf("\n", start);
      if (nl === -1) break;
      this.emitLine(out, start, nl);
      start = nl + 1;
    }
    this.consume(start);
    if (this.buf.length > this.maxUnit && this.skip === null) {
      this.skip = {
        reason: "record.too_large",
        detail: `line longer than ${this.maxUnit} characters`,
        offset: this.base,
        line: this.line,
        index: null,
        preview: this.buf.slice(0, MAX_PROBLEM_TEXT),
      };
    }
    if (this.skip !== null) this.consume(this.buf.length);
    if (atEnd && (this.buf.length > 0 || this.skip !== null)) this.emitLine(out, 0, this.buf.length);
  }

  /** Drops the first `n` characters of the buffer. */
  private consume(n: number): void {
    if (n === 0) return;
    this.buf = this.buf.slice(n);
    this.base += n;
  }

  private emitLine(out: SplitItem[], start: number, end: number): void {
    const line = this.line++;
    if (this.skip !== null) {
      const skip = this.skip;
      this.skip = null;
      out.push(this.problemOf(skip, this.base + end - skip.offset, 1));
      return;
    }
    const text =
      this.buf.charCodeAt(end - 1) === 13 ? this.buf.slice(start, end - 1) : this.buf.slice(start, end);
    if (text.trim() === "") return;
    if (exceedsDepth(text, this.maxDepth + 1)) {
      out.push({
        kind: "problem",
        reason: "record.too_deep",
        detail: `nested deeper than ${this.maxDepth} levels`,
        line,
        index: null,
        text,
        offset: this.base + start,
        length: text.length,
        records: 1,
      });
      return;
    }
    out.push({ kind: "unit", text, line, index: null });
  }

  private problemOf(skip: Skip, length: number, records: number | null): SplitProblem {
    const whole = skip.preview === null;
    return {
      kind: "problem",
      reason: skip.reason,
      detail: whole
        ? skip.detail
        : `${skip.detail}; kept its first ${MAX_PROBLEM_TEXT} characters: the whole is characters ` +
          `${skip.offset} to ${skip.offset + length} of the decoded input`,
      line: skip.line,
      index: skip.index,
      text: skip.preview ?? this.buf.slice(skip.offset - this.base, skip.offset - this.base + length),
      offset: skip.offset,
      length,
      records,
    };
  }

  /** A problem with the text from buf index `start` to `end`. */
  private problem(
    reason: SplitProblem["reason"],
    detail: string,
    span: { start: number; end: number; line: number; records?: number | null },
  ): SplitProblem {
    const text = this.buf.slice(span.start, span.end);
    return {
      kind: "problem",
      reason,
      detail,
      line: span.line,
      index: this.unitDepth > 0 ? this.index : null,
      text,
      offset: this.base + span.start,
      length: span.end - span.start,
      records: span.records === undefined ? recordsSpanned(text) : span.records,
    };
  }

  /** The next occurrence of the record-start text after the element being read. */
  private findMarker(): void {
    if (this.marker === null || this.markerAt !== -1 || this.elementStart === -1) return;
    const from = Math.max(this.markerFrom, this.elementStart + 1);
    this.markerAt = this.buf.indexOf(this.marker, from);
    if (this.markerAt === -1) this.markerFrom = Math.max(from, this.buf.length - this.marker.length + 1);
  }

  private scanStructure(out: SplitItem[], atEnd: boolean): void {
    const buf = this.buf;
    // The last characters wait for the next chunk while a record-start text could begin among them unseen.
    const n =
      atEnd || this.marker === null ? buf.length : Math.max(this.scanPos, buf.length - this.marker.length);
    let i = this.scanPos;
    for (; i < n; i++) {
      if (this.inString) {
        // Most of a record is string content: jump to the closing quote instead of walking each character.
        const close = closingQuote(buf, i, this.stringStart);
        // A real string never holds the record-start text (its quotes would be escaped): the string was cut.
        if (this.markerAt !== -1 && this.markerAt >= i && (close === -1 || this.markerAt < close)) {
          i = this.cut(out, this.markerAt) - 1;
          continue;
        }
        if (close === -1 || close >= n) {
          i = n;
          break;
        }
        i = close;
        this.inString = false;
        this.stringStart = -1;
        continue;
      }
      if (this.elementStart !== -1 && this.unitDepth === 0 && !this.elementIsObject) {
        // Text between top-level objects, whatever it holds, up to the next object or array.
        const next = this.nextOpen(i);
        this.line += newlines(buf, i, next === -1 ? n : next);
        if (next === -1) {
          i = n;
          break;
        }
        this.endOther(out, next);
        i = next - 1;
        continue;
      }
      if (i === this.markerAt && this.markerBreaks(i)) {
        i = this.cut(out, i) - 1;
        continue;
      }
      const c = buf.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        continue;
      }
      if (this.elementStart === -1 && this.depth === this.unitDepth && this.skip === null) {
        if (isSpace(c) || c === COMMA) continue;
        if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) {
          this.close(out, i, c);
          continue;
        }
        if (!this.startElement(i, c)) continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        this.stringStart = i + 1;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.open(i, c);
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.close(out, i, c);
        continue;
      }
      if (c === COMMA && this.depth === this.unitDepth && !this.elementIsObject && this.elementStart !== -1)
        this.endOther(out, i);
    }
    this.scanPos = Math.min(i, buf.length);
    this.compact(out);
  }

  /**
   * An element begins at buf index `i` (first character `c`) where units are read. Returns whether the character
   * still needs scanning (a bracket or a quote); a top-level array opens no element: its elements are the units.
   */
  private startElement(i: number, c: number): boolean {
    if (this.unitDepth === 0 && c === OPEN_BRACKET) return true;
    this.elementStart = i;
    this.elementLine = this.line;
    this.elementIsObject = c === OPEN_BRACE;
    this.markerAt = -1;
    this.markerFrom = i + 1;
    this.findMarker();
    if (this.unitDepth === 0) return this.elementIsObject;
    return c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE;
  }

  /** The next `{` or `[` after `i` in buf, or -1. */
  private nextOpen(i: number): number {
    const brace = this.buf.indexOf("{", i + 1);
    const bracket = this.buf.indexOf("[", i + 1);
    if (brace === -1) return bracket;
    return bracket === -1 ? brace : Math.min(brace, bracket);
  }

  /** Whether the record-start text at buf index `i` begins a record where the one being read cannot go on. */
  private markerBreaks(i: number): boolean {
    if (this.skip === null && (this.elementStart === -1 || this.elementStart === i)) return false;
    // A nested object may legitimately begin with the same key: as a value, or as an element of an array.
    const before = previousChar(this.buf, i);
    if (before === COLON) return false;
    return !((before === COMMA || before === OPEN_BRACKET) && this.opens[this.depth - 1] === OPEN_BRACKET);
  }

  private open(i: number, c: number): void {
    if (this.depth === 0 && this.elementStart === -1 && c === OPEN_BRACKET) {
      // A top-level array: its elements are the units.
      this.levels.push({ unitDepth: this.unitDepth, index: this.index });
      this.unitDepth = 1;
      this.index = 0;
    } else if (
      c === OPEN_BRACKET &&
      this.elementIsObject &&
      this.elementStart !== -1 &&
      this.skip === null &&
      this.depth === this.unitDepth + 1 &&
      WRAPPER_KEYS.has(keyBefore(this.buf, i) ?? "")
    ) {
      // {"Records":[…]} or {"Events":[…]}, at the top or inside another wrapper: its elements are the units.
      this.levels.push({ unitDepth: this.unitDepth, index: this.index });
      this.unitDepth = this.depth + 1;
      this.index = 0;
      this.elementStart = -1;
      this.markerAt = -1;
    }
    if (this.depth < this.stackLimit) this.opens[this.depth] = c;
    this.depth++;
    if (this.skip === null && this.elementStart !== -1 && this.depth - this.unitDepth > this.maxDepth + 1)
      this.skip = {
        reason: "record.too_deep",
        detail: `nested deeper than ${this.maxDepth} levels`,
        offset: this.base + this.elementStart,
        line: this.elementLine,
        index: this.unitDepth > 0 ? this.index : null,
        preview: null,
      };
  }

  private close(out: SplitItem[], i: number, c: number): void {
    if (this.depth === 0) return;
    this.depth--;
    const opened = this.depth < this.stackLimit ? this.opens[this.depth] : undefined;
    if (opened !== undefined && opened !== c - 2 && this.skip === null && this.elementStart !== -1) {
      // `]` closing a `{` or the reverse: the element is broken here; resume where elements are read.
      this.endBroken(out, i + 1, "brackets do not match");
      return;
    }
    if (this.depth < this.unitDepth) {
      if (this.elementStart !== -1 && !this.elementIsObject) this.endOther(out, i);
      const outer = this.levels.pop();
      this.unitDepth = outer?.unitDepth ?? 0;
      this.index = (outer?.index ?? 0) + (this.unitDepth > 0 ? 1 : 0);
      return;
    }
    if (this.depth !== this.unitDepth) return;
    if (this.skip !== null) {
      this.endSkip(out, i + 1);
      return;
    }
    if (this.elementStart === -1) return;
    if (this.elementIsObject) this.emitUnit(out, i + 1);
    else if (c === CLOSE_BRACKET && this.buf.charCodeAt(this.elementStart) === OPEN_BRACKET)
      this.endOther(out, i + 1);
  }

  private emitUnit(out: SplitItem[], end: number): void {
    const start = this.elementStart;
    out.push({
      kind: "unit",
      text: this.buf.slice(start, end),
      line: this.elementLine,
      index: this.unitDepth > 0 ? this.index : null,
    });
    if (this.marker === null) this.learnMarker(start);
    this.sawUnit = true;
    this.endElement();
  }

  /** The record-start text of this input: the first unit's opening brace up to its first key, if a known one. */
  private learnMarker(start: number): void {
    let i = start + 1;
    while (i < this.buf.length && isSpace(this.buf.charCodeAt(i))) i++;
    if (this.buf.charCodeAt(i) !== QUOTE) return;
    const close = this.buf.indexOf('"', i + 1);
    if (close !== -1 && MARKER_KEYS.has(this.buf.slice(i + 1, close)))
      this.marker = this.buf.slice(start, close + 1);
  }

  private endElement(): void {
    if (this.unitDepth > 0) this.index++;
    this.elementStart = -1;
    this.elementIsObject = false;
    this.markerAt = -1;
  }

  /** A non-object element (or text between top-level objects) ends at buf index `end`. */
  private endOther(out: SplitItem[], end: number): void {
    const start = this.elementStart;
    const text = this.buf.slice(start, end).trim();
    if (text !== "") {
      const topLevel = this.unitDepth === 0;
      out.push(
        this.problem(
          topLevel ? (this.sawUnit ? "json.invalid" : "file.not_cloudtrail") : "record.not_object",
          topLevel
            ? `unexpected text outside any JSON object: ${JSON.stringify(text.slice(0, 60))}`
            : `found ${elementKind(this.buf.charCodeAt(start))}`,
          { start, end, line: this.elementLine, records: topLevel ? recordsSpanned(text) : 0 },
        ),
      );
    }
    this.endElement();
  }

  /** The element being read is broken at buf index `end`: reported, and reading resumes at its level. */
  private endBroken(out: SplitItem[], end: number, why: string): void {
    const start = this.elementStart;
    out.push(
      this.problem(
        this.elementIsObject ? "json.invalid" : "record.not_object",
        `the record is broken: ${why}`,
        {
          start,
          end,
          line: this.elementLine,
          records: Math.max(1, recordsSpanned(this.buf.slice(start, end)) ?? 1),
        },
      ),
    );
    this.depth = this.unitDepth;
    this.endElement();
  }

  private endSkip(out: SplitItem[], end: number): void {
    const skip = this.skip;
    if (skip === null) return;
    this.skip = null;
    out.push(this.problemOf(skip, this.base + end - skip.offset, 1));
    this.endElement();
  }

  /**
   * The record-start text at buf index `at` cuts the element being read short: the element is reported, and
   * scanning resumes at `at`, where elements are read. Returns `at`.
   */
  private cut(out: SplitItem[], at: number): number {
    if (this.skip !== null) {
      this.endSkip(out, at);
    } else {
      out.push(
        this.problem("record.cut_short", "the record is cut short: the next record begins inside it", {
          start: this.elementStart,
          end: at,
          line: this.elementLine,
          records: 1,
        }),
      );
      this.endElement();
    }
    this.depth = this.unitDepth;
    this.inString = false;
    this.stringStart = -1;
    this.markerAt = -1;
    return at;
  }

  private endStructure(out: SplitItem[]): void {
    const end = this.buf.length;
    if (this.skip !== null) {
      const skip = this.skip;
      this.skip = null;
      out.push({ ...this.problemOf(skip, this.base + end - skip.offset, 1), reason: "record.truncated" });
    } else if (this.elementStart !== -1) {
      if (this.elementIsObject)
        out.push(
          this.problem("record.truncated", "the input ends inside a record", {
            start: this.elementStart,
            end,
            line: this.elementLine,
            records: Math.max(1, recordsSpanned(this.buf.slice(this.elementStart, end)) ?? 1),
          }),
        );
      else this.endOther(out, end);
    } else if (this.depth > 0 && !this.sawUnit) {
      out.push(
        this.problem("record.truncated", "the input ends before any complete record", {
          start: 0,
          end,
          line: 1,
        }),
      );
    }
    // A wrapper never closed after its last complete record: only the wrapper is cut; nothing is lost.
    this.elementStart = -1;
  }

  /** Drops consumed text so the buffer never holds more than the element in progress. */
  private compact(out: SplitItem[]): void {
    if (this.elementStart !== -1 && this.buf.length - this.elementStart > this.maxUnit) this.overflow(out);
    let keep = this.buf.length;
    if (this.elementStart !== -1) keep = this.elementStart;
    if (this.stringStart !== -1) keep = Math.min(keep, this.stringStart);
    // A few characters back, for the look-behind of a marker or a wrapper's key at the chunk's edge.
    keep = Math.max(0, keep - 64);
    keep = Math.min(keep, this.scanPos);
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.base += keep;
      this.scanPos -= keep;
      if (this.elementStart !== -1) this.elementStart -= keep;
      if (this.stringStart !== -1) this.stringStart -= keep;
      if (this.markerAt !== -1) this.markerAt -= keep;
      this.markerFrom = Math.max(0, this.markerFrom - keep);
    }
  }

  /** The element in progress is larger than the record size limit: keep its start, skip the rest. */
  private overflow(out: SplitItem[]): void {
    const start = this.elementStart;
    if (!this.elementIsObject) {
      // Stray text that long: reported in pieces of the limit, each kept whole.
      out.push(
        this.problem(
          this.unitDepth === 0 ? "json.invalid" : "record.not_object",
          "text that is not a record",
          {
            start,
            end: start + this.maxUnit,
            line: this.elementLine,
            records: null,
          },
        ),
      );
      this.elementStart = start + this.maxUnit;
      return;
    }
    const skip: Skip = this.skip ?? {
      reason: "record.too_large",
      detail: `record longer than ${this.maxUnit} characters`,
      offset: this.base + start,
      line: this.elementLine,
      index: this.unitDepth > 0 ? this.index : null,
      preview: null,
    };
    skip.preview ??= this.buf.slice(start, start + MAX_PROBLEM_TEXT);
    this.skip = skip;
    // Skipping goes on from here: what is before is not held.
    this.elementStart = this.buf.length;
  }
}

/** How many newlines buf holds from `from` to `to`. */
function newlines(buf: string, from: number, to: number): number {
  let n = 0;
  for (let at = buf.indexOf("\n", from); at !== -1 && at < to; at = buf.indexOf("\n", at + 1)) n++;
  return n;
}

/** Whether braces and brackets outside strings balance in one line (cheap JSON-lines test). */
function balanced(text: string): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 92) escaped = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0 && i !== text.length - 1) return false;
    }
  }
  return depth === 0;
}
