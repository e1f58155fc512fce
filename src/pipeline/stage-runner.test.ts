import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { createStageRunner } from "./stage-runner.js";

const denial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 43),
    eventTime: "2026-11-16T10:00:00Z",
    errorCode: "AccessDenied",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem because no identity-based policy allows the dynamodb:GetItem action",
  });

async function setup(lockWaitMs = 10_000) {
  const path = join(tempDir(), "stages.db");
  const db = openDb({ path });
  await ingestRecords(db, [denial(1), denial(2)]);
  const store = createStore(db, { lockWaitMs });
  const warnings: string[] = [];
  const logger = { info: () => {}, error: () => {}, warn: (_: object, msg: string) => warnings.push(msg) };
  const pending = () =>
    (db.$client.prepare("SELECT count(*) AS n FROM denials WHERE action IS NULL").get() as { n: number }).n;
  return { path, db, store, runner: createStageRunner({ store, logger }), warnings, pending };
}

describe("the stage runner", () => {
  it("runs one at a time: calls made during a run share one more run after it", async () => {
    const { store, runner, pending } = await setup();
    const loads = vi.spyOn(store.facts, "loadFacts");
    const first = runner.afterCommit();
    const during = [runner.afterCommit(), runner.afterCommit(), runner.afterCommit()];
    await Promise.all([first, ...during]);
    expect(loads).toHaveBeenCalledTimes(2);
    expect(pending()).toBe(0);
    await runner.afterCommit();
    expect(loads).toHaveBeenCalledTimes(3);
  });

  it("logs a failed run instead of throwing it, and leaves the stages due until a run succeeds", async () => {
    const { path, runner, warnings, pending } = await setup(30);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    await expect(runner.afterCommit()).resolves.toBeUndefined();
    expect(runner.due()).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/stages after storing failed/)]);
    expect(pending()).toBe(2);
    other.exec("COMMIT");
    other.close();
    await runner.catchUp();
    expect(runner.due()).toBe(false);
    expect(pending()).toBe(0);
  });

  it("catches up only when something is due", async () => {
    const { store, runner } = await setup();
    const loads = vi.spyOn(store.facts, "loadFacts");
    await runner.catchUp();
    expect(loads).not.toHaveBeenCalled();
  });
});
