import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildDeps } from "../../src/deps.js";
import { loadExamplesIfEmpty } from "../../src/pipeline/examples.js";
import { memoryDb } from "../support/db.js";
import { scenarioLabels } from "../support/scenario.js";

describe("first run", () => {
  it("loads the bundled example trail into an empty database, explained, and only once", async () => {
    const deps = buildDeps(loadConfig({ DENIEDBY_DB: ":memory:" }), {
      db: memoryDb(),
      logger: pino({ level: "silent" }),
    });
    const summary = await loadExamplesIfEmpty(deps.store);
    expect(summary?.rejected.total).toBe(0);
    expect(summary?.stored.denials).toBe(Object.keys(scenarioLabels.denials).length);
    const q = (sql: string) => deps.db.$client.prepare(sql).get() as { n: number };
    expect(q("SELECT count(*) AS n FROM denials WHERE incident_id IS NULL").n).toBe(0);
    expect(q("SELECT count(*) AS n FROM role_catalog").n).toBeGreaterThanOrEqual(
      Object.keys(scenarioLabels.roles).length,
    );
    expect(await loadExamplesIfEmpty(deps.store)).toBeNull();
  });
});
