import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { seedFindScenario, TASK } from "../../test/support/find-scenario.js";
import { createStore } from "../db/store.js";
import { extractEcsTasks } from "./ecs-tasks.js";

function tasks(db: ReturnType<typeof memoryDb>): unknown[] {
  return db.$client
    .prepare("SELECT task_id, cluster, family, revision, service FROM ecs_tasks ORDER BY task_id")
    .all();
}

describe("the ecs-tasks stage", () => {
  it("keeps the launched tasks of the stored evidence, reads each record once, and starts over when evidence is rewritten", async () => {
    const db = memoryDb();
    await seedFindScenario(db);
    const store = createStore(db);
    expect(tasks(db)).toEqual([
      { task_id: TASK.checkout, cluster: "prod", family: "checkout", revision: 7, service: "checkout" },
      {
        task_id: TASK.canary,
        cluster: "staging",
        family: "checkout",
        revision: 6,
        service: "checkout-canary",
      },
      { task_id: TASK.report, cluster: "batch", family: "report", revision: 2, service: null },
    ]);
    // Nothing new since the last run: nothing read.
    expect(await extractEcsTasks(store)).toEqual({ read: 0, tasks: 0 });

    // A database from before the stage (evidence stored, no cursor, no tasks): the first run reads it all.
    db.$client.exec("DELETE FROM ecs_tasks; DELETE FROM stage_cursors WHERE stage = 'ecs-tasks'");
    const evidence = db.$client.prepare("SELECT count(*) FROM evidence_events").pluck().get();
    expect(await extractEcsTasks(store)).toEqual({ read: evidence, tasks: 3 });
    expect(tasks(db)).toHaveLength(3);

    // Evidence deleted (its generation moves): the tasks are rebuilt from what is left.
    db.$client
      .prepare("DELETE FROM evidence_events WHERE event_name = 'RunTask' AND instr(raw, ?) > 0")
      .run(TASK.report);
    await extractEcsTasks(store);
    expect(tasks(db).map((t) => (t as { task_id: string }).task_id)).toEqual([TASK.checkout, TASK.canary]);
  });
});
