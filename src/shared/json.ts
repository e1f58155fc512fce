/**
 * JSON from untrusted input. `JSON.parse` itself survives any nesting, but it takes superlinear time on deep input
 * (a few hundred thousand levels cost seconds) and everything that walks the value afterwards (`JSON.stringify`,
 * recursive code) overflows the stack; so nesting is bounded before parsing, by a scan that only counts brackets.
 */

/** How deep any JSON value deniedby reads may nest. CloudTrail records nest a dozen levels; this is ten times that. */
export const MAX_JSON_DEPTH = 128;

/** Character codes of JSON's structure, for scanners that walk text without parsing it. */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const OPEN_BRACE = 123;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACE = 125;
export const CLOSE_BRACKET = 93;

/** The index of the quote closing a string whose content starts at `start`, or -1 when the text ends first. */
export function closingQuote(text: string, from: number, start: number): number {
  let q = text.indexOf('"', from);
  while (q !== -1) {
    let backslashes = 0;
    for (let b = q - 1; b >= start && text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** Whether brackets outside strings nest deeper than `max` anywhere in `text` (valid JSON or not). */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const close = closingQuote(text, i + 1, i + 1);
      if (close === -1) return false;
      i = close;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; tooDeep: boolean; message: string };

/** Parses untrusted JSON text whose nesting is first checked against `maxDepth`; never throws. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  if (exceedsDepth(text, maxDepth))
    return { ok: false, tooDeep: true, message: `nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, tooDeep: false, message: (error as Error).message };
  }
}

/** A JSON object (not null, not an array): the one check every reader of untrusted JSON makes first. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
