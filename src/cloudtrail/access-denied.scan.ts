/**
 * The scanner under the access-denied grammar. Every look at the text goes through it, so its work can be counted:
 * plain `indexOf` searches for fixed anchors, and small sticky regexes (no nested or overlapping quantifiers) run on
 * slices of at most `SLICE` characters. Parsing a message of n characters therefore costs O(n) steps, whatever the
 * text; the step meter lets a test prove it without timing anything.
 */

/** Counts the characters the scanner examined. Pass one in to measure a parse; each parse counts into its own. */
export interface StepMeter {
  steps: number;
}

/** The longest slice a sticky regex may look at: every regex match is bounded by it. */
export const SLICE = 512;
/** The longest token (an ARN, a redacted name) read from the text. */
const TOKEN_MAX = 2048;
/** A redaction in angle brackets (`<account id>`, `<<ROLE>>`) is read whole, spaces included, up to this length. */
const REDACTION_MAX = 48;

const SPACE = 32;
const LT = 60;
/** ' " ` */
function isQuote(c: number): boolean {
  return c === 39 || c === 34 || c === 96;
}
/** . , ; */
function isTrailingPunctuation(c: number): boolean {
  return c === 46 || c === 44 || c === 59;
}

export class Scan {
  /** The text, lower-cased once, for case-insensitive anchors. */
  readonly lower: string;

  constructor(
    readonly text: string,
    readonly meter: StepMeter,
  ) {
    this.lower = text.toLowerCase();
    meter.steps += text.length;
  }

  get length(): number {
    return this.text.length;
  }

  /** `indexOf` on the lower-cased text (pass the needle in lower case); charges the characters it passed. */
  find(needle: string, from = 0): number {
    const at = this.lower.indexOf(needle, from);
    this.meter.steps += (at === -1 ? this.text.length : at + needle.length) - from;
    return at;
  }

  /** Which of the words a global, literal-alternation regex names occur in the lower-cased text: one pass. */
  words(re: RegExp): Set<string> {
    const seen = new Set<string>();
    re.lastIndex = 0;
    for (let m = re.exec(this.lower); m !== null; m = re.exec(this.lower)) seen.add(m[0]);
    this.meter.steps += this.text.length;
    return seen;
  }

  /** Case-sensitive `indexOf` on the text itself. */
  findExact(needle: string, from = 0): number {
    const at = this.text.indexOf(needle, from);
    this.meter.steps += (at === -1 ? this.text.length : at + needle.length) - from;
    return at;
  }

  /** The last `needle` (lower case) that starts in `[from, before)`: a bounded look back from an anchor. */
  findBack(needle: string, before: number, from: number): number {
    const window = this.lower.slice(Math.max(0, from), before);
    this.meter.steps += window.length;
    const at = window.lastIndexOf(needle);
    return at === -1 ? -1 : Math.max(0, from) + at;
  }

  /** True when the lower-cased text has `needle` exactly at `at`. */
  startsAt(needle: string, at: number): boolean {
    this.meter.steps += needle.length;
    return this.lower.startsWith(needle, at);
  }

  /** A sticky regex tried once at `at`, on a slice of at most SLICE characters. */
  match(re: RegExp, at: number, max = SLICE): RegExpExecArray | null {
    const slice = this.text.slice(at, at + max);
    this.meter.steps += slice.length;
    re.lastIndex = 0;
    return re.exec(slice);
  }

  /** A slice of the text, charged. */
  slice(from: number, to: number): string {
    const s = this.text.slice(from, to);
    this.meter.steps += s.length;
    return s;
  }

  /** The index of the first non-space character at or after `at`. */
  skipSpaces(at: number): number {
    let i = at;
    while (i < this.text.length && this.text[i] === " ") i++;
    this.meter.steps += i - at + 1;
    return i;
  }

  /**
   * Reads one token at `at`: an ARN, a name, a redaction. An opening quote (' " `) is skipped and the token ends at
   * the next quote; otherwise it ends at a space or a quote. `<…>` redactions are read whole, spaces included.
   * Trailing sentence punctuation is not part of it. `closed` is false when an opening quote never closes (the
   * message was cut inside the token).
   */
  token(at: number): { value: string; end: number; closed: boolean } {
    const s = this.text;
    let i = at;
    const quoted = i < s.length && isQuote(s.charCodeAt(i));
    if (quoted) i++;
    const start = i;
    const limit = Math.min(s.length, start + TOKEN_MAX);
    let closed = !quoted;
    while (i < limit) {
      const c = s.charCodeAt(i);
      if (c === LT) {
        const close = this.closing(i);
        if (close !== -1) {
          i = close + 1;
          continue;
        }
      }
      if (isQuote(c)) {
        closed = true;
        break;
      }
      if (c === SPACE) {
        if (quoted) closed = false;
        break;
      }
      i++;
    }
    this.meter.steps += i - at + 1;
    let end = i;
    while (end > start && isTrailingPunctuation(s.charCodeAt(end - 1))) end--;
    let value = s.slice(start, end);
    if (value.endsWith(")") && !value.includes("(")) value = value.slice(0, -1);
    return { value, end: i < s.length && isQuote(s.charCodeAt(i)) ? i + 1 : i, closed };
  }

  /** The `>` closing a redaction opened at `open`, or -1 when there is none within REDACTION_MAX. */
  private closing(open: number): number {
    const limit = Math.min(this.text.length, open + REDACTION_MAX);
    let j = open + 1;
    let found = -1;
    for (; j < limit; j++) {
      const c = this.text[j];
      if (c === ">") {
        // `<<ROLE>>`: take the second bracket too.
        found = this.text[j + 1] === ">" ? j + 1 : j;
        break;
      }
      if (c === "<" && j !== open + 1) break;
    }
    this.meter.steps += j - open;
    return found;
  }
}

/**
 * One linear pass over a pasted message: JSON and XML escapes undone (a message quoted inside a JSON log line or an
 * XML error body reads like the plain one), box-drawing borders and every run of white space made one space.
 * Each replacement is a single-character-class pattern, linear in the text.
 */
export function normaliseMessage(raw: string, meter: StepMeter): string {
  let s = raw;
  for (let pass = 0; pass < 2 && s.includes("\\"); pass++) {
    meter.steps += s.length;
    s = s.replace(/\\(["'\\/nrt])/g, (_m, c: string) => (c === "n" || c === "r" || c === "t" ? " " : c));
  }
  if (s.includes("&")) {
    meter.steps += s.length;
    s = s.replace(/&(quot|apos|amp|lt|gt|#39|#34);/g, (_m, e: string) => ENTITIES[e] ?? "");
  }
  // An XML closing tag ends whatever token runs into it (`…:key/k</Message>`).
  if (s.includes("</")) {
    meter.steps += s.length;
    s = s.replace(/<\//g, " </");
  }
  meter.steps += s.length;
  // Most messages are already single-spaced: test before rewriting.
  if (!/[\t\n\r\f\v\u00a0│]| {2}/.test(s)) return s.trim();
  meter.steps += s.length;
  return s.replace(/[\s│]+/g, " ").trim();
}

const ENTITIES: Record<string, string> = {
  quot: '"',
  apos: "'",
  amp: "&",
  lt: "<",
  gt: ">",
  "#39": "'",
  "#34": '"',
};
