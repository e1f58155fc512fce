import { type CidrBlock, inCidr, parseCidr, parseIp } from "./ip.js";
import { type PatternChar, patternRegex } from "./wildcard.js";

/**
 * The condition operators (AWS "IAM JSON policy elements: Condition operators"), each as its value type, whether it
 * is a negated form, and the positive comparison of one request value with one policy value. Negation, IfExists,
 * missing keys and the ForAllValues/ForAnyValue set forms are applied in conditions.ts, once for all operators.
 */

export type OperatorType = "string" | "numeric" | "date" | "bool" | "binary" | "ip" | "arn" | "null";

/** A policy value prepared once at compile time (or per request when it holds policy variables). */
export type PreparedValue =
  | { type: "text"; text: string }
  | { type: "pattern"; regex: RegExp }
  | { type: "number"; value: number }
  | { type: "cidr"; block: CidrBlock }
  | { type: "invalid" };

export interface OperatorSpec {
  type: OperatorType;
  negated: boolean;
  /** Whether policy variables are substituted in its values (string and ARN operators). */
  variables: boolean;
  prepare(chars: readonly PatternChar[], text: string): PreparedValue;
  /** The positive comparison: does the request value match this policy value? */
  matches(requestValue: string, policy: PreparedValue): boolean;
}

const numberText = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return numberText.test(t) ? Number(t) : undefined;
}

/** ISO 8601 (a zone-less time is UTC) or epoch seconds, as milliseconds. */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}(-\d{2})?(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(t)) return undefined;
  const zoned = /T[\d:.]+$/i.test(t) ? `${t}Z` : t;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

const text = (_: readonly PatternChar[], t: string): PreparedValue => ({ type: "text", text: t });
const lowerText = (_: readonly PatternChar[], t: string): PreparedValue => ({
  type: "text",
  text: t.toLowerCase(),
});
const stringPattern = (c: readonly PatternChar[]): PreparedValue => ({
  type: "pattern",
  regex: patternRegex(c, "string"),
});
const arnPattern = (c: readonly PatternChar[]): PreparedValue => ({
  type: "pattern",
  regex: patternRegex(c, "arn"),
});
const numberValue = (parse: (t: string) => number | undefined) => (_: readonly PatternChar[], t: string) => {
  const value = parse(t);
  return value === undefined ? ({ type: "invalid" } as const) : ({ type: "number", value } as const);
};
const cidr = (_: readonly PatternChar[], t: string): PreparedValue => {
  const block = parseCidr(t);
  return block ? { type: "cidr", block } : { type: "invalid" };
};

const equalsText = (v: string, p: PreparedValue) => p.type === "text" && v === p.text;
const equalsLower = (v: string, p: PreparedValue) => p.type === "text" && v.toLowerCase() === p.text;
const likePattern = (v: string, p: PreparedValue) => p.type === "pattern" && p.regex.test(v);
/** ARN operators compare the six colon-separated parts; a value that is not an ARN matches nothing. */
const likeArn = (v: string, p: PreparedValue) => v.split(":").length >= 6 && likePattern(v, p);

function compareWith(parse: (t: string) => number | undefined, test: (a: number, b: number) => boolean) {
  return (v: string, p: PreparedValue) => {
    const value = parse(v);
    return value !== undefined && p.type === "number" && test(value, p.value);
  };
}

function spec(
  type: OperatorType,
  negated: boolean,
  prepare: OperatorSpec["prepare"],
  matches: OperatorSpec["matches"],
): OperatorSpec {
  return { type, negated, variables: type === "string" || type === "arn", prepare, matches };
}

const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;
const numeric = numberValue(parseNumber);
const date = numberValue(parseDate);

/** Every base operator, by lower-cased name. */
export const operators: ReadonlyMap<string, OperatorSpec> = new Map(
  Object.entries({
    StringEquals: spec("string", false, text, equalsText),
    StringNotEquals: spec("string", true, text, equalsText),
    StringEqualsIgnoreCase: spec("string", false, lowerText, equalsLower),
    StringNotEqualsIgnoreCase: spec("string", true, lowerText, equalsLower),
    StringLike: spec("string", false, stringPattern, likePattern),
    StringNotLike: spec("string", true, stringPattern, likePattern),
    NumericEquals: spec("numeric", false, numeric, compareWith(parseNumber, eq)),
    NumericNotEquals: spec("numeric", true, numeric, compareWith(parseNumber, eq)),
    NumericLessThan: spec("numeric", false, numeric, compareWith(parseNumber, lt)),
    NumericLessThanEquals: spec("numeric", false, numeric, compareWith(parseNumber, le)),
    NumericGreaterThan: spec("numeric", false, numeric, compareWith(parseNumber, gt)),
    NumericGreaterThanEquals: spec("numeric", false, numeric, compareWith(parseNumber, ge)),
    DateEquals: spec("date", false, date, compareWith(parseDate, eq)),
    DateNotEquals: spec("date", true, date, compareWith(parseDate, eq)),
    DateLessThan: spec("date", false, date, compareWith(parseDate, lt)),
    DateLessThanEquals: spec("date", false, date, compareWith(parseDate, le)),
    DateGreaterThan: spec("date", false, date, compareWith(parseDate, gt)),
    DateGreaterThanEquals: spec("date", false, date, compareWith(parseDate, ge)),
    Bool: spec("bool", false, lowerText, equalsLower),
    BinaryEquals: spec("binary", false, text, equalsText),
    IpAddress: spec("ip", false, cidr, ipInBlock),
    NotIpAddress: spec("ip", true, cidr, ipInBlock),
    ArnEquals: spec("arn", false, arnPattern, likeArn),
    ArnLike: spec("arn", false, arnPattern, likeArn),
    ArnNotEquals: spec("arn", true, arnPattern, likeArn),
    ArnNotLike: spec("arn", true, arnPattern, likeArn),
    Null: spec("null", false, lowerText, equalsLower),
  }).map(([name, s]) => [name.toLowerCase(), s]),
);

function ipInBlock(v: string, p: PreparedValue): boolean {
  const ip = parseIp(v);
  return ip !== undefined && p.type === "cidr" && inCidr(ip, p.block);
}

export interface ParsedOperator {
  base: OperatorSpec;
  ifExists: boolean;
  set?: "any" | "all";
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined for an unknown operator. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name.toLowerCase();
  let set: "any" | "all" | undefined;
  if (rest.startsWith("forallvalues:")) [set, rest] = ["all", rest.slice(13)];
  else if (rest.startsWith("foranyvalue:")) [set, rest] = ["any", rest.slice(12)];
  const exact = operators.get(rest);
  if (exact) return set ? { base: exact, ifExists: false, set } : { base: exact, ifExists: false };
  if (!rest.endsWith("ifexists")) return undefined;
  const base = operators.get(rest.slice(0, -8));
  // Null takes no IfExists: it is itself the test for presence.
  if (!base || base.type === "null") return undefined;
  return set ? { base, ifExists: true, set } : { base, ifExists: true };
}
