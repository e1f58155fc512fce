import { type OperatorSpec, type ParsedOperator, type PreparedValue, parseOperator } from "./operators.js";
import type { ConditionElement } from "./policy.schema.js";
import {
  type ContextLookup,
  parseTemplate,
  resolveTemplate,
  type Template,
  templateText,
} from "./variables.js";
import { patternChars } from "./wildcard.js";

/**
 * A statement's Condition block, compiled once. Semantics (AWS "Condition operators", "Multivalued context keys"):
 * every operator and every key in the block must hold (AND); several values for one key are alternatives (OR);
 * negated operators hold when no value matches. A key missing from the request fails the condition, except that
 * negated operators and `…IfExists` forms then hold, `Null: true` holds, `ForAllValues:` holds (vacuously) and
 * `ForAnyValue:` fails, with or without IfExists (as AWS answers, re:Post "ForAnyValue:StringEqualsIfExists
 * behaving unexpectedly"). The set forms treat an empty list as missing.
 */

interface ConditionValue {
  template: Template;
  /** Prepared once when the value holds no policy variables. */
  prepared?: PreparedValue;
}

export interface CompiledCondition {
  operator: string;
  key: string;
  lowerKey: string;
  parsed: ParsedOperator;
  values: readonly ConditionValue[];
}

/** Compiles a Condition element; unknown operators are reported through `problems`. */
export function compileConditions(
  element: ConditionElement | undefined,
  variablesEnabled: boolean,
  problems: string[],
  place: string,
): CompiledCondition[] {
  const out: CompiledCondition[] = [];
  for (const [operator, entries] of Object.entries(element ?? {})) {
    const parsed = parseOperator(operator);
    if (!parsed) {
      problems.push(`${place}.Condition: unknown condition operator ${operator}`);
      continue;
    }
    for (const [key, raw] of Object.entries(entries)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((v) => conditionValue(parsed.base, String(v), variablesEnabled));
      out.push({ operator, key, lowerKey: key.toLowerCase(), parsed, values });
    }
  }
  return out;
}

function conditionValue(base: OperatorSpec, text: string, variablesEnabled: boolean): ConditionValue {
  const template = parseTemplate(text, variablesEnabled && base.variables);
  if (template.hasVariables) return { template };
  const chars = resolveTemplate(template, () => undefined, new Set()) ?? patternChars(text);
  return { template, prepared: base.prepare(chars, templateText(chars)) };
}

function templateTextOf(template: Template): string {
  return template.parts.map((p) => (p.kind === "variable" ? "" : p.text)).join("");
}

/** Everything a condition needs from the request. `absent` collects keys consulted but missing. */
export interface ConditionInput {
  lookup: ContextLookup;
  absent: Set<string>;
}

/** True when every condition holds. */
export function conditionsHold(conditions: readonly CompiledCondition[], input: ConditionInput): boolean {
  for (const [i, c] of conditions.entries()) {
    if (conditionHolds(c, input)) continue;
    // The statement fails here, but the keys its other conditions need still belong in the answer.
    for (const rest of conditions.slice(i + 1))
      if (input.lookup(rest.key) === undefined) input.absent.add(rest.key);
    return false;
  }
  return true;
}

function conditionHolds(c: CompiledCondition, input: ConditionInput): boolean {
  const { base, ifExists, set } = c.parsed;
  const found = input.lookup(c.key);
  const present = found !== undefined && (set === undefined || found.length > 0);
  if (base.type === "null") return nullHolds(c, found !== undefined, input);
  if (!present) {
    input.absent.add(c.key);
    // The set forms decide a missing key before IfExists does: ForAnyValue:…IfExists on a missing key is false.
    if (set === "all") return true;
    if (set === "any") return false;
    return ifExists || base.negated;
  }
  const policy = preparedValues(c, input);
  // A negated operator cannot assert "matches none" of a value whose policy variable had no value.
  if (base.negated && policy.includes(undefined)) return false;
  const anyMatch = (v: string) => policy.some((p) => p !== undefined && base.matches(v, p));
  // A negated operator holds for a request value that matches none of the policy values.
  const holdsFor = (v: string) => (base.negated ? !anyMatch(v) : anyMatch(v));
  if (set === "all") return found.every(holdsFor);
  if (set === "any") return found.some(holdsFor);
  // Without a set qualifier, a negated operator holds when no request value matches any policy value.
  return base.negated ? !found.some(anyMatch) : found.some(anyMatch);
}

function nullHolds(c: CompiledCondition, present: boolean, input: ConditionInput): boolean {
  if (!present) input.absent.add(c.key);
  return c.values.some((v) => {
    const t = templateTextOf(v.template).toLowerCase();
    return t === "true" ? !present : t === "false" ? present : false;
  });
}

/** The policy values, with policy variables substituted; undefined for a value whose variable has no value. */
function preparedValues(c: CompiledCondition, input: ConditionInput): (PreparedValue | undefined)[] {
  return c.values.map((v) => {
    if (v.prepared) return v.prepared;
    const chars = resolveTemplate(v.template, input.lookup, input.absent);
    return chars === undefined ? undefined : c.parsed.base.prepare(chars, templateText(chars));
  });
}
