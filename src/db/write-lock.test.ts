import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { openDb } from "./client.js";
import { createStore } from "./store.js";
import { isBusy, lockBackoffMs, StoreBusyError } from "./write-lock.js";

/** A second connection to the file, as another process (a `deniedby ingest`) would hold it. */
function otherProcess(path: string): Database.Database {
  const other = new Database(path);
  other.pragma("busy_timeout = 0");
  return other;
}

const open: Database.Database[] = [];
afterEach(() => {
  for (const c of open.splice(0)) if (c.open) c.close();
});

function setup(lockWaitMs = 10_000) {
  const path = join(tempDir(), "lock.db");
  const db = openDb({ path });
  const other = otherProcess(path);
  open.push(db.$client, other);
  const store = createStore(db, { lockWaitMs });
  const checkpoints = () =>
    (db.$client.prepare("SELECT count(*) AS n FROM source_checkpoints").get() as { n: number }).n;
  const insert = (key: string) =>
    db.$client.prepare("INSERT INTO source_checkpoints (source, key, value) VALUES ('t', ?, 'v')").run(key)
      .changes;
  return { db, other, store, checkpoints, insert };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

describe("store.write", () => {
  it("waits for another connection's write lock without blocking the event loop, then commits", async () => {
    const { other, store, checkpoints, insert } = setup();
    other.exec("BEGIN IMMEDIATE");
    let done = false;
    const write = store
      .write(() => insert("a"))
      .then((n) => {
        done = true;
        return n;
      });
    // Timers fire and reads answer while the write waits: the process is not stuck in SQLite's busy handler.
    let ticks = 0;
    for (; ticks < 10; ticks++) await tick();
    expect(ticks).toBe(10);
    expect(done).toBe(false);
    expect(checkpoints()).toBe(0);
    other.exec("COMMIT");
    expect(await write).toBe(1);
    expect(checkpoints()).toBe(1);
  });

  it("gives up after its bounded wait with store.busy, having written nothing", async () => {
    const { other, store, checkpoints, insert } = setup(40);
    other.exec("BEGIN IMMEDIATE");
    const error = await store.write(() => insert("a")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreBusyError);
    expect((error as StoreBusyError).code).toBe("store.busy");
    other.exec("COMMIT");
    expect(checkpoints()).toBe(0);
  });

  it("takes the lock before reading, so a read-then-write never meets a stale snapshot", async () => {
    const { other, store, db } = setup();
    db.$client.prepare("INSERT INTO source_checkpoints (source, key, value) VALUES ('t', 'n', '0')").run();
    // Ten writers of this connection and ten of another each read the counter and write it back plus one: with
    // the lock taken first, none is lost and none fails.
    const read = db.$client.prepare("SELECT value FROM source_checkpoints WHERE key = 'n'").pluck();
    const write = db.$client.prepare("UPDATE source_checkpoints SET value = ? WHERE key = 'n'");
    const otherRead = other.prepare("SELECT value FROM source_checkpoints WHERE key = 'n'").pluck();
    const otherWrite = other.prepare("UPDATE source_checkpoints SET value = ? WHERE key = 'n'");
    const mine = Array.from({ length: 10 }, () =>
      store.write(() => write.run(String(Number(read.get()) + 1))),
    );
    for (let i = 0; i < 10; i++) {
      other.exec("BEGIN IMMEDIATE");
      otherWrite.run(String(Number(otherRead.get()) + 1));
      await tick();
      other.exec("COMMIT");
    }
    await Promise.all(mine);
    expect(read.get()).toBe("20");
  });

  it("rolls back and rejects when the transaction throws, leaving the lock free", async () => {
    const { store, checkpoints, insert } = setup();
    await expect(
      store.write(() => {
        insert("a");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(checkpoints()).toBe(0);
    expect(await store.write(() => insert("b"))).toBe(1);
  });

  it("keeps the connection's busy timeout for everything else", async () => {
    const { store, db, insert } = setup();
    await store.write(() => insert("a"));
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(5000);
  });
});

describe("isBusy and the backoff", () => {
  it("knows SQLite's busy codes and nothing else", () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(isBusy(coded("SQLITE_BUSY"))).toBe(true);
    expect(isBusy(coded("SQLITE_BUSY_SNAPSHOT"))).toBe(true);
    expect(isBusy(coded("SQLITE_FULL"))).toBe(false);
    expect(isBusy("SQLITE_BUSY")).toBe(false);
  });

  it("grows from a millisecond to a cap of 50 ms, with jitter within half of it", () => {
    expect(lockBackoffMs(0, () => 1)).toBe(1);
    expect(lockBackoffMs(3, () => 0)).toBe(4);
    expect(lockBackoffMs(20, () => 1)).toBe(50);
    expect(lockBackoffMs(20, () => 0)).toBe(25);
  });
});
