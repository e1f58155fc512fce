import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { tempDir } from "../../test/support/db.js";
import { push, pushedDenial, pushedUsage } from "../../test/support/push.js";
import { openDb } from "../db/client.js";
import { ErrorEnvelope } from "../http/openapi.js";

/**
 * A full disk simulated by SQLite's own page limit: `max_page_count` at the file's current size makes every write
 * that needs a new page fail with SQLITE_FULL, as a full disk does.
 */
describe("a full disk", () => {
  it("answers 503 storage.full, stores nothing, turns /readyz 503, and recovers when space returns", async () => {
    const db = openDb({ path: join(tempDir(), "deniedby.db") });
    const { app } = testApp({}, { db });
    const stored = () =>
      (db.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }).n;
    expect((await push(app, pushedUsage(1))).status).toBe(200);
    expect((await app.request("/readyz")).status).toBe(200);
    const before = stored();

    const pages = db.$client.pragma("page_count", { simple: true }) as number;
    db.$client.pragma(`max_page_count = ${pages}`);
    const batch = Array.from({ length: 300 }, (_, i) => pushedDenial(100 + i));
    const full = await push(app, batch);
    expect(full.status).toBe(503);
    expect(ErrorEnvelope.parse(full.body).error.code).toBe("storage.full");
    expect(stored()).toBe(before);
    const notReady = await app.request("/readyz");
    expect(notReady.status).toBe(503);
    expect(ErrorEnvelope.parse(await notReady.json()).error.message).toMatch(/disk is full/);
    // Still full: readiness stays down, and reads still answer.
    expect((await app.request("/readyz")).status).toBe(503);
    expect((await app.request("/v1/denials")).status).toBe(200);

    db.$client.pragma("max_page_count = 1073741823");
    expect((await app.request("/readyz")).status).toBe(200);
    const retried = await push(app, batch);
    expect(retried.status).toBe(200);
    expect(stored()).toBe(before + batch.length);
    db.$client.close();
  });
});
