import { HiveSQL, TrinoSQL, TrinoSqlListener } from "dt-sql-parser";
import { describe, expect, it } from "vitest";
import { renderDdl } from "./athena-ddl.js";
import { loadQueries, queryNames, withTable } from "./athena-queries.js";

/**
 * Athena runs these statements and nothing here can: its DDL is Hive's, its queries are Trino's. dt-sql-parser (MIT)
 * carries ANTLR grammars of both, so each file is parsed as Athena will read it.
 */
const queries = loadQueries();
const trino = new TrinoSQL();
const hive = new HiveSQL();

/** `?` execution parameters as the Trino grammar sees them (a `parameter` node each). */
function parameters(sql: string): number {
  let count = 0;
  const listener = new (class extends TrinoSqlListener {
    override enterParameter = () => {
      count++;
    };
  })();
  trino.listen(listener, trino.parse(sql));
  return count;
}

const selects = queryNames.filter((n) => !n.startsWith("cloudtrail-table"));

describe("queries/ in Athena's dialects", () => {
  it.each(selects)(
    "%s.sql is one valid Trino statement whose ? parameters are the ones the loader counts",
    (name) => {
      const sql = withTable(queries[name], "cloudtrail_logs");
      expect(trino.validate(sql)).toEqual([]);
      expect(trino.splitSQLByStatement(sql)).toHaveLength(1);
      // ExecutionParameters bind by position: the runner passes `placeholders` values, Trino expects `parameters`.
      expect(parameters(sql)).toBe(queries[name].placeholders);
      expect(queries[name].placeholders).toBeGreaterThan(0);
    },
  );

  it.each([
    ["cloudtrail-table.sql", { bucket: "my-trail", accounts: ["111122223333"] }],
    [
      "cloudtrail-table-org.sql",
      {
        bucket: "org-trail",
        prefix: "p/x",
        orgId: "o-abcdefghij",
        accounts: ["111122223333", "444455556666"],
      },
    ],
  ] as const)("%s, rendered as `deniedby athena ddl` prints it, is valid Hive DDL", (_, input) => {
    const ddl = renderDdl(queries, { ...input, accounts: [...input.accounts] });
    expect(hive.validate(ddl)).toEqual([]);
  });

  it("would catch a broken statement (the parsers are not lenient)", () => {
    const denials = withTable(queries.denials, "cloudtrail_logs");
    expect(
      trino.validate(denials.replace("WHERE p_date BETWEEN", "WHERE p_date BETWEN")).length,
    ).toBeGreaterThan(0);
    expect(trino.validate(denials.replace(/\)\s*$/, "")).length).toBeGreaterThan(0);
    const ddl = renderDdl(queries, { bucket: "my-trail", accounts: ["111122223333"] });
    expect(hive.validate(ddl.replace("STRUCT<", "STRUCT(")).length).toBeGreaterThan(0);
  });
});
