import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { captureOutput } from "../../test/support/output.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { loadExamplesIfEmpty } from "../pipeline/examples.js";
import { ingestSource } from "../pipeline/ingest-session.js";
import { pushSource } from "../sources/push/push.source.js";
import { examplesCommand } from "./examples.command.js";

const output = captureOutput();

/** A database file holding the examples and one real denial and call. */
async function mixedDb(): Promise<string> {
  const path = join(tempDir(), "examples.db");
  const db = openDb({ path });
  const store = createStore(db);
  await loadExamplesIfEmpty(store);
  const real = [
    makeRecord({ eventId: uuidFor(1, 88), eventTime: "2026-11-18T10:00:00Z", errorCode: "AccessDenied" }),
    makeRecord({ eventId: uuidFor(2, 88), eventTime: "2026-11-18T10:00:00Z" }),
  ];
  await ingestSource(store, pushSource(JSON.stringify(real)));
  db.$client.close();
  return path;
}

const json = () => JSON.parse(output.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;

describe("deniedby examples", () => {
  it("says whether they are mixed, removes them (0), and removing again removes nothing (0)", async () => {
    const path = await mixedDb();
    expect(await examplesCommand(["status", "--db", path, "--format", "json"])).toBe(0);
    expect(json()).toEqual({ examples: "mixed" });
    expect(await examplesCommand(["remove", "--db", path, "--format", "json"])).toBe(0);
    const removed = json();
    expect(removed.denials).toBeGreaterThan(0);
    expect(removed.ledgerKeys).toBeGreaterThan(0);
    expect(await examplesCommand(["remove", "--db", path])).toBe(0);
    expect(output.stdout).toContain("removed the example trail: 0 denials, 0 evidence events, 0 usage rows");
    expect(await examplesCommand(["status", "--db", path])).toBe(0);
    expect(output.stdout).toContain("examples: none");
    const db = openDb({ path });
    try {
      const n = (sql: string) => db.$client.prepare(sql).pluck().get();
      expect(n("SELECT count(*) FROM denials")).toBe(1);
      expect(n("SELECT count(*) FROM ingested_events")).toBe(2);
      // The stages ran: the real denial is analysed.
      expect(n("SELECT count(*) FROM denials WHERE action IS NULL")).toBe(0);
    } finally {
      db.$client.close();
    }
  }, 60_000);

  it("refuses a wrong command line (2) and a missing database (1)", async () => {
    const none = join(tempDir(), "none.db");
    expect(await examplesCommand([])).toBe(2);
    expect(await examplesCommand(["load"])).toBe(2);
    expect(await examplesCommand(["remove", "now"])).toBe(2);
    expect(await examplesCommand(["remove", "--format", "yaml"])).toBe(2);
    expect(await examplesCommand(["remove", "--everything"])).toBe(2);
    expect(await examplesCommand(["remove", "--db", none])).toBe(1);
    expect(output.stderr).toContain(`no database at ${none}`);
  });
});
