import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { ingestSource } from "../pipeline/ingest-session.js";
import { pushSource } from "../sources/push/push.source.js";
import { pruneCommand } from "./prune.command.js";

let path: string;
let stdout: string[];
const DAY = 86_400_000;

beforeEach(async () => {
  path = join(tempDir(), "p.db");
  const db = openDb({ path });
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  await ingestSource(
    createStore(db),
    pushSource(
      JSON.stringify([
        makeRecord({ eventId: uuidFor(1, 81), eventTime: at(500), errorCode: "AccessDenied" }),
        makeRecord({ eventId: uuidFor(2, 81), eventTime: at(2), errorCode: "AccessDenied" }),
        makeRecord({ eventId: uuidFor(3, 81), eventTime: at(500) }),
      ]),
    ),
  );
  db.$client.close();
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => stdout.push(String(s)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe("deniedby prune", () => {
  it("deletes what is older than --older-than and says what it removed", async () => {
    expect(await pruneCommand(["--older-than", "400d", "--db", path, "--format", "json"])).toBe(0);
    expect(JSON.parse(stdout.join(""))).toMatchObject({ denials: 1, usageRows: 1, ledgerKeys: 2 });
    const db = openDb({ path });
    try {
      expect(db.$client.prepare("SELECT event_id FROM denials").pluck().all()).toEqual([uuidFor(2, 81)]);
      // The stages ran: the remaining denial is analysed.
      expect(db.$client.prepare("SELECT count(*) FROM denials WHERE action IS NULL").pluck().get()).toBe(0);
    } finally {
      db.$client.close();
    }
  });

  it("refuses a wrong command line (2) and a missing database (1)", async () => {
    expect(await pruneCommand(["--db", path])).toBe(2);
    expect(await pruneCommand(["--older-than", "400", "--db", path])).toBe(2);
    expect(await pruneCommand(["--older-than", "0d", "--db", path])).toBe(2);
    expect(await pruneCommand(["--older-than", "1y", "--db", path])).toBe(2);
    expect(await pruneCommand(["--older-than", "400d", "--db", join(tempDir(), "none.db")])).toBe(1);
  });
});
