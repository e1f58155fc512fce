import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestPaths, ingestRecords } from "../../test/support/ingest.js";
import { manyDenials, scenarioRoleNames } from "../../test/support/many-denials.js";
import { scenarioDir } from "../../test/support/scenario.js";
import type { Db } from "../db/client.js";
import { createStore } from "../db/store.js";
import type { StagePace } from "./stage-pace.js";
import { runStagesAfterStore, type StagesResult } from "./stages.js";

const N = 600;
const trail = readdirSync(scenarioDir)
  .filter((f) => f.endsWith("_scenario.json"))
  .map((f) => resolve(scenarioDir, f));

/** What the stages write, table by table, in a fixed order. */
function derived(db: Db) {
  const all = (sql: string) => db.$client.prepare(sql).all();
  return {
    denials: all(
      "SELECT event_id, action, resource, denied_by, policy_arn, incident_id, noise FROM denials ORDER BY event_id",
    ),
    incidents: all("SELECT * FROM incidents ORDER BY id"),
    catalog: all("SELECT role_arn, kind, confidence, kinds, dual_use FROM role_catalog ORDER BY role_arn"),
    changes: all("SELECT * FROM policy_changes ORDER BY event_id, seq"),
  };
}

/**
 * Denials of the scenario's roles stored and analysed first (their roles not yet classified), then the scenario's
 * trail, which classifies them: the second run re-analyses those roles, analyses the trail's own denials and
 * extracts its policy changes.
 */
async function twoRuns(pace?: StagePace): Promise<{ db: Db; second: StagesResult }> {
  const db = memoryDb();
  const store = createStore(db);
  await ingestRecords(db, manyDenials(N, scenarioRoleNames));
  await runStagesAfterStore(store, pace);
  await ingestPaths(db, trail);
  const second = await runStagesAfterStore(store, pace);
  return { db, second };
}

describe("the stages after storing, paced", () => {
  it("give the same catalogue, analysis, incidents and policy changes in small steps as whole", async () => {
    let pauses = 0;
    const pace: StagePace = {
      denials: 7,
      evidence: 5,
      pause: async () => {
        pauses++;
        await nextTurn();
      },
    };
    const whole = await twoRuns();
    const paced = await twoRuns(pace);
    expect(paced.second.reanalysed.roles).toBeGreaterThan(0);
    expect(paced.second).toEqual(whole.second);
    const stored = derived(paced.db);
    expect(stored.denials.length).toBeGreaterThan(N);
    expect(stored.incidents.length).toBeGreaterThan(50);
    expect(stored.changes.length).toBeGreaterThan(0);
    expect(stored).toEqual(derived(whole.db));
    // At least one pause per 7 denials analysed, per 5 evidence events read and per role re-analysed.
    const { analysed, reanalysed, policy } = paced.second;
    const least =
      Math.floor(N / 7) +
      Math.floor(analysed.analysed / 7) +
      Math.floor(policy.read / 5) +
      (reanalysed.roles - 1);
    expect(pauses).toBeGreaterThanOrEqual(least);
  }, 60_000);
});
