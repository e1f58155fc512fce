/**
 * A predicate compiled from a JSON Schema (as zod's `z.toJSONSchema` writes one): true when a value satisfies it.
 * Only the keywords below are supported, and any other one stops compilation, so a schema cannot quietly gain a
 * constraint the predicate does not check. Keys an object schema does not name are allowed, as in zod's default
 * objects. The schema is compiled into straight-line JavaScript that allocates nothing, which is why a hot path
 * uses it and keeps the zod schema for the message when it says no.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minLength?: number;
  [keyword: string]: unknown;
}

export type Check = (value: unknown) => boolean;

/** Keywords that constrain nothing a parsed JSON value can break (`propertyNames` of type string), or annotate. */
const IGNORED = new Set(["$schema", "additionalProperties", "propertyNames", "description", "title"]);
const SUPPORTED = new Set(["type", "properties", "required", "items", "anyOf", "minLength"]);

const TYPE_TESTS: Record<string, (v: string) => string> = {
  object: (v) => `(typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v}))`,
  array: (v) => `Array.isArray(${v})`,
  string: (v) => `(typeof ${v} === "string")`,
  boolean: (v) => `(typeof ${v} === "boolean")`,
  number: (v) => `(typeof ${v} === "number" && Number.isFinite(${v}))`,
  integer: (v) => `Number.isInteger(${v})`,
  null: (v) => `(${v} === null)`,
};

/** What one compilation collects: the anyOf branches, compiled apart and called by index. */
interface Compilation {
  branches: Check[];
}

function typeTest(type: string, v: string): string {
  const test = TYPE_TESTS[type];
  if (!test) throw new Error(`json-schema-check: unsupported type ${type}`);
  return test(v);
}

/** Statements that `return false` unless the value in variable `v` satisfies `schema`. */
function statements(schema: JsonSchema, v: string, depth: number, c: Compilation): string {
  for (const keyword of Object.keys(schema))
    if (!SUPPORTED.has(keyword) && !IGNORED.has(keyword))
      throw new Error(`json-schema-check: unsupported keyword ${keyword}`);
  let code = "";
  if (schema.anyOf) {
    const first = c.branches.length;
    for (const branch of schema.anyOf) c.branches.push(compileCheck(branch));
    const calls = schema.anyOf.map((_, i) => `b[${first + i}](${v})`).join(" || ");
    code += `if (!(${calls})) return false;\n`;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    code += `if (!(${types.map((t) => typeTest(t, v)).join(" || ")})) return false;\n`;
  }
  if (schema.minLength !== undefined)
    code += `if (typeof ${v} === "string" && ${v}.length < ${Number(schema.minLength)}) return false;\n`;
  if (schema.properties || schema.required) {
    const required = new Set(schema.required ?? []);
    const names = new Set([...Object.keys(schema.properties ?? {}), ...required]);
    let body = "";
    for (const name of names) {
      const sub = schema.properties?.[name] ?? {};
      const w = `v${depth + 1}`;
      const inner = statements(sub, w, depth + 1, c);
      body += `{ const ${w} = ${v}[${JSON.stringify(name)}];\n`;
      body += required.has(name)
        ? `if (${w} === undefined) return false;\n${inner}}\n`
        : `if (${w} !== undefined) {\n${inner}}\n}\n`;
    }
    code += `if (typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v})) {\n${body}}\n`;
  }
  if (schema.items) {
    const i = `i${depth}`;
    const w = `v${depth + 1}`;
    const inner = statements(schema.items, w, depth + 1, c);
    code += `if (Array.isArray(${v})) for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\n`;
    code += `const ${w} = ${v}[${i}];\n${inner}}\n`;
  }
  return code;
}

/** Compiles `schema` into a predicate; throws on a keyword it does not support. */
export function compileCheck(schema: JsonSchema): Check {
  const c: Compilation = { branches: [] };
  const body = `${statements(schema, "v0", 0, c)}return true;`;
  // The code is generated from our own schemas (never from input), so evaluating it is safe.
  const make = new Function("b", `return function check(v0) {\n${body}\n};`) as (b: Check[]) => Check;
  return make(c.branches);
}
