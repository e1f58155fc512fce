import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { tempDir } from "../../test/support/db.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { openDb } from "../db/client.js";
import { ErrorEnvelope } from "../http/openapi.js";
import { IngestResult } from "./events.schemas.js";

/*
 * POST /v1/events while another process (a `deniedby ingest`) writes the same file: the push waits for the write
 * lock without stalling the server, answers 503 only when nothing was stored, and never answers an error for what
 * it committed.
 */

const denial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 41),
    eventTime: "2026-11-16T10:00:00Z",
    errorCode: "AccessDeniedException",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action",
  });

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function setup() {
  const path = join(tempDir(), "push.db");
  const { app, deps } = testApp(
    { DENIEDBY_DB: path, DENIEDBY_LOCK_WAIT_SECONDS: "1" },
    { db: openDb({ path }) },
  );
  // The other process's connection.
  const cli = new Database(path);
  cli.pragma("busy_timeout = 0");
  closers.push(
    () => cli.close(),
    () => deps.db.$client.close(),
  );
  const count = (sql: string) => (deps.db.$client.prepare(sql).get() as { n: number }).n;
  return { app, deps, cli, count };
}

describe("POST /v1/events beside another writer", () => {
  it("waits for the other writer's transaction, keeps answering reads meanwhile, then stores and answers 200", async () => {
    const { app, cli, count } = setup();
    cli.exec("BEGIN IMMEDIATE");
    const pushed = app.request("/v1/events", postJson([denial(1), denial(2)]));
    // The server still answers while the push waits for the lock.
    const health = await app.request("/healthz");
    expect(health.status).toBe(200);
    const list = await app.request("/v1/denials");
    expect(list.status).toBe(200);
    setTimeout(() => cli.exec("COMMIT"), 100);
    const res = await pushed;
    expect(res.status).toBe(200);
    expect(IngestResult.parse(await res.json())).toMatchObject({ accepted: 2, denials: 2, duplicates: 0 });
    expect(count("SELECT count(*) AS n FROM denials")).toBe(2);
    expect(count("SELECT count(*) AS n FROM denials WHERE action IS NULL")).toBe(0);
  });

  it("answers 503 store.busy with Retry-After when the lock stays taken, having stored nothing", async () => {
    const { app, cli, count } = setup();
    cli.exec("BEGIN IMMEDIATE");
    const res = await app.request("/v1/events", postJson([denial(1)]));
    cli.exec("COMMIT");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("store.busy");
    expect(count("SELECT count(*) AS n FROM denials")).toBe(0);
    expect(count("SELECT count(*) AS n FROM ingested_events")).toBe(0);
    // Sent again once the other writer is done, it is stored.
    const again = await app.request("/v1/events", postJson([denial(1)]));
    expect(again.status).toBe(200);
    expect(count("SELECT count(*) AS n FROM denials")).toBe(1);
  });

  it("answers 200 with what it stored when the stages after storing cannot run, and they run later", async () => {
    const { app, deps, cli, count } = setup();
    const afterCommit = deps.stages.afterCommit;
    // The other writer takes the lock right after the push's commit, for longer than the stages may wait.
    deps.stages.afterCommit = () => {
      cli.exec("BEGIN IMMEDIATE");
      return afterCommit();
    };
    const res = await app.request("/v1/events", postJson([denial(1), denial(2), denial(3)]));
    expect(res.status).toBe(200);
    expect(IngestResult.parse(await res.json())).toMatchObject({ accepted: 3, denials: 3 });
    expect(count("SELECT count(*) AS n FROM denials WHERE action IS NULL")).toBe(3);
    expect(deps.stages.due()).toBe(true);
    cli.exec("COMMIT");
    await deps.stages.catchUp();
    expect(deps.stages.due()).toBe(false);
    expect(count("SELECT count(*) AS n FROM denials WHERE action IS NULL")).toBe(0);
    expect(count("SELECT count(*) AS n FROM incidents")).toBe(1);
  });
});
