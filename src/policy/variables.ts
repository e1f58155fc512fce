import { literalChars, type PatternChar, patternChars } from "./wildcard.js";

/**
 * Policy variables (AWS "IAM policy elements: Variables and tags"): `${aws:username}`, `${aws:PrincipalTag/team}`,
 * a default after a comma (`${aws:username, 'nobody'}`), and the escapes `${*}`, `${?}`, `${$}` for a literal
 * `*`, `?` and `$`. They are substituted in Resource/NotResource and in the values of string and ARN conditions,
 * and only in policies whose Version is 2012-10-17: older policies read `${…}` as plain text.
 */

export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "literal"; text: string }
  | { kind: "variable"; key: string; fallback?: string };

export interface Template {
  parts: readonly TemplatePart[];
  hasVariables: boolean;
}

const variableBody = /^\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Splits text into plain text, escapes and variables. */
export function parseTemplate(text: string, variablesEnabled: boolean): Template {
  if (!variablesEnabled || !text.includes("${"))
    return { parts: [{ kind: "text", text }], hasVariables: false };
  const parts: TemplatePart[] = [];
  let rest = text;
  let hasVariables = false;
  for (let start = rest.indexOf("${"); start >= 0; start = rest.indexOf("${")) {
    const end = rest.indexOf("}", start);
    if (end < 0) break;
    if (start > 0) parts.push({ kind: "text", text: rest.slice(0, start) });
    const body = rest.slice(start + 2, end);
    const part = templatePart(body);
    if (part.kind === "variable") hasVariables = true;
    parts.push(part.kind === "text" ? { kind: "text", text: `\${${body}}` } : part);
    rest = rest.slice(end + 1);
  }
  if (rest.length > 0) parts.push({ kind: "text", text: rest });
  return { parts, hasVariables };
}

function templatePart(body: string): TemplatePart {
  if (body === "*" || body === "?" || body === "$") return { kind: "literal", text: body };
  const m = variableBody.exec(body);
  if (!m?.[1]) return { kind: "text", text: body };
  return m[2] === undefined
    ? { kind: "variable", key: m[1] }
    : { kind: "variable", key: m[1], fallback: m[2] };
}

/** Looks a context key up; the evaluator passes a lookup over lower-cased names. */
export type ContextLookup = (key: string) => readonly string[] | undefined;

/**
 * The template's pattern characters with variables substituted, or undefined when a variable has no value and no
 * default: AWS then treats the element as not matching. `used` collects the variables that were absent.
 */
export function resolveTemplate(
  template: Template,
  lookup: ContextLookup,
  absent: Set<string>,
): PatternChar[] | undefined {
  const out: PatternChar[] = [];
  for (const part of template.parts) {
    if (part.kind === "text") out.push(...patternChars(part.text));
    else if (part.kind === "literal") out.push(...literalChars(part.text));
    else {
      const values = lookup(part.key);
      // A multi-valued key cannot stand in a single string.
      const value = values?.length === 1 ? values[0] : undefined;
      if (value === undefined) {
        if (values === undefined) absent.add(part.key);
        if (part.fallback === undefined) return undefined;
        out.push(...literalChars(part.fallback));
      } else out.push(...literalChars(value));
    }
  }
  return out;
}

/** The template as plain text with variables substituted (for comparisons that take no wildcards). */
export function templateText(chars: readonly PatternChar[]): string {
  return chars.map((c) => c.ch).join("");
}
