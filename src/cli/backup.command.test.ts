import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dumpData, tempDir } from "../../test/support/db.js";
import { ingestPaths, runStages } from "../../test/support/ingest.js";
import { pushedDenial, pushedUsage } from "../../test/support/push.js";
import { type Db, openDb } from "../db/client.js";
import { backupCommand } from "./backup.command.js";

let dir: string;
let path: string;
let db: Db;
beforeEach(async () => {
  dir = tempDir();
  path = join(dir, "live.db");
  db = openDb({ path });
  const records = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? pushedDenial(i) : pushedUsage(i)));
  const trail = join(dir, "trail.json");
  writeFileSync(trail, `${JSON.stringify({ Records: records })}\n{not json\n`);
  await ingestPaths(db, [trail]);
  await runStages(db);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  db.$client.close();
});

describe("deniedby backup", () => {
  it("copies the database in use; the copy, restored, holds the same data", async () => {
    // Another connection is in the middle of a write: the backup neither waits for it nor copies it.
    const writer = new Database(path);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("DELETE FROM denials");
    const copy = join(dir, "copy.db");
    expect(await backupCommand([copy, "--db", path])).toBe(0);
    writer.exec("ROLLBACK");
    writer.close();

    const restored = openDb({ path: copy });
    try {
      expect(restored.$client.pragma("integrity_check", { simple: true })).toBe("ok");
      const expected = dumpData(db);
      expect((expected.denials as unknown[]).length).toBe(100);
      expect((expected.quarantine as unknown[]).length).toBe(1);
      expect(dumpData(restored)).toEqual(expected);
      // The analysis and the catalogue came along too.
      const catalog = (d: Db) =>
        d.$client.prepare("SELECT role_arn, kinds FROM role_catalog ORDER BY 1").all();
      expect(catalog(restored)).toEqual(catalog(db));
      expect(
        restored.$client.prepare("SELECT count(*) FROM denials WHERE action IS NULL").pluck().get(),
      ).toBe(0);
    } finally {
      restored.$client.close();
    }
  });

  it("never overwrites a file, and refuses a wrong command line or a missing database", async () => {
    const existing = join(dir, "existing.db");
    writeFileSync(existing, "keep me");
    expect(await backupCommand([existing, "--db", path])).toBe(1);
    expect(await backupCommand(["--db", path])).toBe(2);
    expect(await backupCommand([join(dir, "a.db"), join(dir, "b.db"), "--db", path])).toBe(2);
    expect(await backupCommand([join(dir, "c.db"), "--db", join(dir, "missing.db")])).toBe(1);
    expect(await backupCommand([join(dir, "c.db"), "--bogus"])).toBe(2);
  });
});
