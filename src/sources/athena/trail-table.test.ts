import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RECORD_COLUMNS } from "./athena-record.js";
import { hasTrailColumn } from "./trail-table.js";

const query = (name: string) =>
  readFileSync(new URL(`../../../queries/${name}.sql`, import.meta.url), "utf8")
    .replace(/--[^\n]*/g, "")
    .replace(/'(?:[^']|'')*'/g, "''");

describe("the trail table's columns", () => {
  it("hold every column the denials and evidence queries select", () => {
    for (const c of RECORD_COLUMNS) {
      const path = /^[a-z][\w.]*$/.test(c.sql) ? c.sql : (/CAST\((\w+) AS JSON\)/.exec(c.sql)?.[1] ?? c.sql);
      expect(hasTrailColumn(path), c.column).toBe(true);
    }
  });

  it.each(["denials", "evidence", "usage-daily"])("hold every nested column %s.sql names", (name) => {
    const sql = query(name);
    const paths = [...sql.matchAll(/\b(useridentity(?:\.\w+)+)/g)].map((m) => m[1] as string);
    // Members of `resources` are read in lambdas: `r -> r.arn`.
    if (/\bresources\b/.test(sql))
      paths.push(...[...sql.matchAll(/\br\.(\w+)/g)].map((m) => `resources.${m[1]}`));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(hasTrailColumn(path), path).toBe(true);
  });

  it("tells a column that is not there", () => {
    expect(hasTrailColumn("useridentity.sessioncontext.sessionissuer.arn")).toBe(true);
    expect(hasTrailColumn("resources.accountid")).toBe(true);
    expect(hasTrailColumn("useridentity.sessioncontext.sessionissuer.nope")).toBe(false);
    expect(hasTrailColumn("useridentity.arn.more")).toBe(false);
    expect(hasTrailColumn("eventsorce")).toBe(false);
  });
});
