/**
 * Splits a stream of JSON text into record texts without parsing the whole input, so memory stays flat whatever
 * the file size. It recognises how CloudTrail really arrives:
 * - `{"Records":[…]}` log files (S3 delivery): each element of the Records array is a unit;
 * - JSON arrays of records: each element is a unit;
 * - JSON-lines: each line is a unit (a bad line is reported and the next line starts afresh);
 * - one or more concatenated JSON objects (a single record, an EventBridge event, pretty-printed or not).
 * Each unit keeps its original text (stored raw for denials) and where it was found (line, index).
 */

export interface TextUnit {
  kind: "unit";
  text: string;
  /** 1-based line of the unit's first character. */
  line: number;
  /** 0-based position in the Records array or top-level array, when it came from one. */
  index: number | null;
}

export interface SplitProblem {
  kind: "problem";
  reason: "json.invalid" | "record.too_large" | "record.truncated" | "file.not_cloudtrail";
  detail: string;
  line: number;
  index: number | null;
  /** The offending text, cut to a bounded size. */
  text: string;
}

export type SplitItem = TextUnit | SplitProblem;

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;

/** How much text format detection may read before settling for structural scanning. */
const DETECT_LIMIT = 1024 * 1024;

/** Raw text kept for a rejected piece of input, enough to see what it was. */
export const MAX_PROBLEM_TEXT = 64 * 1024;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

type Mode = "detect" | "lines" | "structure";

export interface SplitterOptions {
  /** A unit larger than this is reported as record.too_large and skipped. */
  maxUnitChars?: number;
}

export class RecordSplitter {
  private readonly maxUnit: number;
  private mode: Mode = "detect";
  /** Text not yet consumed. Holds at most the unit being read plus one chunk. */
  private buf = "";
  private line = 1;

  // structure mode state
  private depth = 0;
  private inString = false;
  /** Where the string being scanned began (kept through compaction so escapes can be checked). */
  private stringStart = -1;
  /** Depth at which units start (2 inside {"Records":[…]}, 1 in a top-level array, 0 for bare objects). */
  private unitDepth = -1;
  private unitStart = -1;
  private unitLine = 0;
  private index = 0;
  private rootIsObject = false;
  private lastKeyStart = -1;
  private lastKey = "";
  private skippingLarge = false;
  private sawUnit = false;
  private garbageStart = -1;
  private garbageLine = 0;
  private scanPos = 0;

  constructor(options: SplitterOptions = {}) {
    this.maxUnit = options.maxUnitChars ?? 32 * 1024 * 1024;
  }

  /** Feeds the next chunk of text; returns the units completed by it. */
  push(chunk: string): SplitItem[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    const out: SplitItem[] = [];
    if (this.mode === "detect") this.detect();
    if (this.mode === "lines") this.scanLines(out, false);
    else if (this.mode === "structure") this.scanStructure(out);
    return out;
  }

  /** Signals the end of input; returns the last unit and any problem with an unfinished one. */
  end(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.mode === "detect") {
      this.detect(true);
    }
    if (this.mode === "lines") this.scanLines(out, true);
    else if (this.mode === "structure") {
      this.scanStructure(out);
      this.flushGarbage(out, this.buf.length);
      if (this.unitStart !== -1 || this.skippingLarge) {
        out.push(
          this.problem("record.truncated", "the input ends inside a record", this.unitLine, this.unitStart),
        );
      } else if (this.depth > 0 && this.sawUnit) {
        // Records array never closed: the last unit was complete, only the wrapper is cut; nothing lost.
      } else if (this.depth > 0) {
        out.push(this.problem("record.truncated", "the input ends before any complete record", 1, 0));
      }
    }
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
    const first = this.buf.charCodeAt(i);
    if (first !== OPEN_BRACE) {
      this.mode = "structure";
      return;
    }
    // CloudTrail delivers {"Records":[…]} files on one line: never wait for a newline there.
    if (/^\{\s*"Records"\s*:/.test(this.buf.slice(i, i + 64))) {
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
      this.emitLine(out, buf.slice(start, nl));
      start = nl + 1;
    }
    this.buf = buf.slice(start);
    if (this.buf.length > this.maxUnit) {
      out.push({
        kind: "problem",
        reason: "record.too_large",
        detail: `line longer than ${this.maxUnit} characters`,
        line: this.line,
        index: null,
        text: this.buf.slice(0, MAX_PROBLEM_TEXT),
      });
      this.buf = "";
      this.skippingLarge = true;
    }
    if (atEnd && this.buf.length > 0) {
      this.emitLine(out, this.buf);
      this.buf = "";
    }
  }

  private emitLine(out: SplitItem[], raw: string): void {
    const line = this.line++;
    if (this.skippingLarge) {
      this.skippingLarge = false;
      return;
    }
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    out.push({ kind: "unit", text, line, index: null });
  }

  private problem(reason: SplitProblem["reason"], detail: string, line: number, start: number): SplitProblem {
    return {
      kind: "problem",
      reason,
      detail,
      line,
      index: this.unitDepth > 0 ? this.index : null,
      text: start >= 0 ? this.buf.slice(start, start + MAX_PROBLEM_TEXT) : "",
    };
  }

  private flushGarbage(out: SplitItem[], end: number): void {
    if (this.garbageStart === -1) return;
    const text = this.buf.slice(this.garbageStart, end).trim();
    if (text)
      out.push({
        kind: "problem",
        reason: this.sawUnit ? "json.invalid" : "file.not_cloudtrail",
        detail: `unexpected text outside any JSON object: ${JSON.stringify(text.slice(0, 60))}`,
        line: this.garbageLine,
        index: null,
        text: text.slice(0, MAX_PROBLEM_TEXT),
      });
    this.garbageStart = -1;
  }

  private scanStructure(out: SplitItem[]): void {
    const buf = this.buf;
    let i = this.scanPos;
    const n = buf.length;
    let { depth, inString, line } = this;
    for (; i < n; i++) {
      if (inString) {
        // Most of a record is string content: jump to the closing quote instead of walking each character.
        const close = closingQuote(buf, i, this.stringStart);
        if (close === -1) {
          i = n;
          break;
        }
        i = close;
        inString = false;
        this.stringStart = -1;
        if (depth === 1 && this.rootIsObject && this.lastKeyStart !== -1) {
          this.lastKey = buf.slice(this.lastKeyStart, i);
          this.lastKeyStart = -1;
        }
        continue;
      }
      const c = buf.charCodeAt(i);
      if (c === NEWLINE) {
        line++;
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        this.stringStart = i + 1;
        if (depth === 1 && this.rootIsObject) this.lastKeyStart = i + 1;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 0) {
          this.flushGarbage(out, i);
          this.rootIsObject = c === OPEN_BRACE;
          this.lastKey = "";
          this.index = 0;
          if (c === OPEN_BRACKET) this.unitDepth = 1;
          else {
            // A bare object is itself a unit until it proves to be a Records wrapper.
            this.unitDepth = 0;
            this.unitStart = i;
            this.unitLine = line;
          }
        } else if (depth === 1 && this.rootIsObject && c === OPEN_BRACKET && this.lastKey === "Records") {
          // {"Records":[ … ]}: drop the wrapper, its elements are the units.
          this.unitDepth = 2;
          this.unitStart = -1;
        }
        if (depth === this.unitDepth && this.unitDepth > 0) {
          if (c === OPEN_BRACE) {
            this.unitStart = i;
            this.unitLine = line;
          } else {
            this.index++;
            out.push({
              kind: "problem",
              reason: "json.invalid",
              detail: "array element is not an object",
              line,
              index: this.index - 1,
              text: "",
            });
          }
        }
        depth++;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth < 0) {
          depth = 0;
          if (this.garbageStart === -1) {
            this.garbageStart = i;
            this.garbageLine = line;
          }
          continue;
        }
        if (depth === this.unitDepth && this.unitStart !== -1 && c === CLOSE_BRACE) {
          this.emitUnit(out, buf, i + 1);
        } else if (depth === this.unitDepth && this.skippingLarge && c === CLOSE_BRACE) {
          this.skippingLarge = false;
          this.index++;
        }
        if (depth === 0) {
          if (this.unitDepth === 0 && this.unitStart !== -1) this.emitUnit(out, buf, i + 1);
          if (this.unitDepth === -2) this.skippingLarge = false;
          this.unitDepth = -1;
          this.rootIsObject = false;
        }
        continue;
      }
      if (depth === 0 && !isSpace(c) && c !== 44 && this.garbageStart === -1) {
        this.garbageStart = i;
        this.garbageLine = line;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.line = line;
    this.compact(out);
  }

  private emitUnit(out: SplitItem[], buf: string, end: number): void {
    out.push({
      kind: "unit",
      text: buf.slice(this.unitStart, end),
      line: this.unitLine,
      index: this.unitDepth > 0 ? this.index : null,
    });
    if (this.unitDepth > 0) this.index++;
    this.sawUnit = true;
    this.unitStart = -1;
  }

  /** Drops consumed text so the buffer never holds more than the unit in progress. */
  private compact(out: SplitItem[]): void {
    let keep = this.buf.length;
    if (this.unitStart !== -1) keep = this.unitStart;
    if (this.garbageStart !== -1) keep = Math.min(keep, this.garbageStart);
    if (this.lastKeyStart !== -1) keep = Math.min(keep, this.lastKeyStart);
    if (this.stringStart !== -1) keep = Math.min(keep, this.stringStart);
    if (this.unitStart !== -1 && this.buf.length - this.unitStart > this.maxUnit) {
      out.push(
        this.problem(
          "record.too_large",
          `record longer than ${this.maxUnit} characters`,
          this.unitLine,
          this.unitStart,
        ),
      );
      this.unitStart = -1;
      this.skippingLarge = true;
      if (this.unitDepth === 0) this.unitDepth = -2; // a huge bare object: skip to its end
      keep = this.buf.length;
    }
    if (this.garbageStart !== -1 && this.buf.length - this.garbageStart > MAX_PROBLEM_TEXT) {
      this.flushGarbage(out, this.garbageStart + MAX_PROBLEM_TEXT);
      this.garbageStart = -1;
      keep = Math.min(this.unitStart === -1 ? this.buf.length : this.unitStart, this.buf.length);
    }
    const shift = keep;
    if (shift > 0) {
      this.buf = this.buf.slice(shift);
      if (this.unitStart !== -1) this.unitStart -= shift;
      if (this.garbageStart !== -1) this.garbageStart -= shift;
      if (this.lastKeyStart !== -1) this.lastKeyStart -= shift;
      if (this.stringStart !== -1) this.stringStart -= shift;
    }
    this.scanPos = this.buf.length;
  }
}

/**
 * The index of the quote that closes a string whose content starts at `contentStart`, searching from `from`;
 * -1 when the string goes on past the buffer. A quote preceded by an odd run of backslashes is escaped.
 */
function closingQuote(buf: string, from: number, contentStart: number): number {
  let q = buf.indexOf('"', from);
  while (q !== -1) {
    let backslashes = 0;
    for (let b = q - 1; b >= contentStart && buf.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return q;
    q = buf.indexOf('"', q + 1);
  }
  return -1;
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
      else if (c === BACKSLASH) escaped = true;
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
