/**
 * Evaluates a boolean SQL expression of the small subset the generated blocks of queries/*.sql use, on one row, as
 * Trino would: string literals, columns (dotted for row fields), `AND`/`OR`/`NOT`, `=`/`<>`, `IN (…)`,
 * `regexp_like` (a match anywhere; `(?i)` for case), `coalesce`, `concat`, `split_part`. It translates the expression
 * into a JavaScript function token by token, so a block's logic can be checked against the TypeScript rule it was
 * rendered from. A NULL column is `null`; every block guards its nullable columns before testing them.
 */

export type SqlRow = Record<string, string | null>;

const TOKEN = /\s+|'(?:[^']|'')*'|<>|[(),=]|\d+|[A-Za-z_][\w.]*/y;
const FUNCTIONS = new Set(["regexp_like", "coalesce", "concat", "split_part"]);
const OPERATORS: Record<string, string> = { AND: "&&", OR: "||", NOT: "!", "=": "===", "<>": "!==" };

function tokens(sql: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (m === null) throw new Error(`unexpected SQL at ${at}: ${sql.slice(at, at + 30)}`);
    if (m[0].trim() !== "") out.push(m[0]);
  }
  return out;
}

const helpers = {
  regexp_like(value: string | null, pattern: string): boolean | null {
    if (value === null) return null;
    const caseless = pattern.startsWith("(?i)");
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? "i" : "").test(value);
  },
  coalesce: (...values: (string | null)[]) => values.find((v) => v !== null) ?? null,
  concat: (...values: (string | null)[]) => (values.includes(null) ? null : values.join("")),
  split_part: (value: string | null, delimiter: string, index: number) =>
    value === null ? null : (value.split(delimiter)[index - 1] ?? ""),
  /** Object keys stand for the IN list, so that `x in set(…)` reads as SQL's `x IN (…)`. */
  set: (...values: string[]) => Object.fromEntries(values.map((v) => [v, true])),
};

/** The expression as a function of a row (comment lines dropped). */
export function sqlPredicate(sql: string): (row: SqlRow) => boolean {
  const js = tokens(sql.replace(/--[^\n]*/g, ""))
    .map((t, i, all) => {
      if (t.startsWith("'")) return JSON.stringify(t.slice(1, -1).replaceAll("''", "'"));
      if (t === "IN") return " in h.set";
      if (t in OPERATORS) return ` ${OPERATORS[t]} `;
      if (FUNCTIONS.has(t) && all[i + 1] === "(") return `h.${t}`;
      if (/^[A-Za-z_]/.test(t)) return `(row[${JSON.stringify(t)}] ?? null)`;
      return t;
    })
    .join("");
  const evaluate = new Function("h", "row", `return (${js});`) as (h: typeof helpers, row: SqlRow) => unknown;
  // WHERE keeps a row only when the predicate is true: NULL and false alike drop it.
  return (row) => evaluate(helpers, row) === true;
}
