/**
 * IAM wildcard patterns (`*` any run of characters, `?` one character) as regular expressions.
 *
 * - actions: case-insensitive, wildcards match anything;
 * - strings (`StringLike`): case-sensitive, wildcards match anything, newlines included;
 * - ARNs (`Resource`, `ArnLike`): case-sensitive and segment-aware. AWS ("IAM JSON policy elements: Resource"):
 *   wildcards work within each colon-separated segment; the resource part (the sixth segment onwards) may itself
 *   hold colons; a `*` that ends a pattern with fewer segments extends across the remaining colons (`arn:aws:s3:*`).
 */

/** One character of a pattern: wild when it is an unescaped `*` or `?`. */
export interface PatternChar {
  ch: string;
  wild: boolean;
}

export type PatternMode = "action" | "string" | "arn";

const regexSpecial = /[.*+?^${}()|[\]\\/]/g;

function escapeChar(ch: string): string {
  return ch.replace(regexSpecial, "\\$&");
}

/** The characters of plain pattern text: every `*` and `?` is a wildcard. */
export function patternChars(text: string): PatternChar[] {
  return Array.from(text, (ch) => ({ ch, wild: ch === "*" || ch === "?" }));
}

/** The characters of a value taken literally (a substituted policy variable, an escaped `${*}`). */
export function literalChars(text: string): PatternChar[] {
  return Array.from(text, (ch) => ({ ch, wild: false }));
}

/** An anchored regular expression for the pattern. */
export function patternRegex(chars: readonly PatternChar[], mode: PatternMode): RegExp {
  const source = mode === "arn" ? arnSource(chars) : flatSource(chars);
  return new RegExp(`^${source}$`, mode === "action" ? "is" : "s");
}

function flatSource(chars: readonly PatternChar[]): string {
  let out = "";
  for (const c of chars) out += c.wild ? (c.ch === "*" ? ".*" : ".") : escapeChar(c.ch);
  return out;
}

function arnSource(chars: readonly PatternChar[]): string {
  const colons = chars.filter((c) => c.ch === ":").length;
  const last = chars.length - 1;
  let segment = 0;
  let out = "";
  chars.forEach((c, i) => {
    if (c.ch === ":") segment++;
    if (!c.wild) {
      out += escapeChar(c.ch);
      return;
    }
    // Segments 0-4 never hold a colon; the resource part may. A trailing `*` of a short pattern spans the rest.
    const spans = segment >= 5 || (i === last && c.ch === "*" && colons < 5);
    out += c.ch === "*" ? (spans ? ".*" : "[^:]*") : spans ? "." : "[^:]";
  });
  return out;
}

/** True when the pattern has no wildcard: matching is then a plain comparison. */
export function isLiteral(chars: readonly PatternChar[]): boolean {
  return chars.every((c) => !c.wild);
}
