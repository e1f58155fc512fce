import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { scenarioLabels } from "../../test/support/scenario.js";
import { createStore } from "../db/store.js";
import { loadExamplesIfEmpty } from "./examples.js";

describe("first run", () => {
  it("loads the bundled example trail into an empty database, explained, and only once", async () => {
    const store = createStore(memoryDb());
    const summary = await loadExamplesIfEmpty(store);
    expect(summary?.rejected.total).toBe(0);
    expect(summary?.stored.denials).toBe(Object.keys(scenarioLabels.denials).length);
    const q = (sql: string) => store.db.$client.prepare(sql).get() as { n: number };
    expect(q("SELECT count(*) AS n FROM denials WHERE incident_id IS NULL").n).toBe(0);
    expect(q("SELECT count(*) AS n FROM role_catalog").n).toBeGreaterThanOrEqual(
      Object.keys(scenarioLabels.roles).length,
    );
    expect(await loadExamplesIfEmpty(store)).toBeNull();
  });
});
