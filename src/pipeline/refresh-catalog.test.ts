import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { A, EXEC, HOST, seedCatalogStore, T, TASK, USER } from "../../test/support/catalog-seed.js";
import { tempDir } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { type Db, openDb } from "../db/client.js";
import { roleCatalog } from "../db/schema.js";
import { createStore, type Store } from "../db/store.js";
import { getRoleEntry, listRoleEntries } from "./catalog.js";
import { refreshCatalog } from "./refresh-catalog.js";
import type { StagePace } from "./stage-pace.js";

let db: Db;
let store: Store;
beforeEach(() => {
  db = openDb({ path: ":memory:" });
  seedCatalogStore(db);
  store = createStore(db);
});

describe("refreshCatalog", () => {
  it("classifies what the store holds and stores one row per principal", async () => {
    expect(await refreshCatalog(store)).toEqual({
      roles: 4,
      written: 4,
      deleted: 0,
      kindChanged: [TASK, EXEC, HOST, USER],
    });
    expect(getRoleEntry(db, TASK)?.kinds[0]?.kind).toBe("ecs-task");
    // Named by bare name in the task definition, seen with its path: one entry under the pathed ARN.
    expect(getRoleEntry(db, EXEC)?.kinds[0]?.kind).toBe("ecs-task-execution");
    expect(getRoleEntry(db, `arn:aws:iam::${A}:role/app-exec`)).toBeNull();
    expect(getRoleEntry(db, HOST)?.kinds[0]?.kind).toBe("ecs-container-instance");
    expect(getRoleEntry(db, USER)?.kinds[0]?.kind).toBe("iam-user");
    const row = db
      .select()
      .from(roleCatalog)
      .all()
      .find((r) => r.roleArn === HOST);
    expect(row?.kind).toBe("ecs-container-instance");
    expect(row?.firstSeen).toBe(T - 86_400_000);
  });

  it("gives the same catalogue when run twice", async () => {
    await refreshCatalog(store);
    const first = listRoleEntries(db, { limit: 100 });
    await refreshCatalog(store);
    expect(listRoleEntries(db, { limit: 100 })).toEqual(first);
  });
});

describe("listCatalog and saveCatalog", () => {
  it("pages in role-ARN order with a cursor and filters on the leading kind", async () => {
    await refreshCatalog(store);
    const p1 = listRoleEntries(db, { limit: 3 });
    expect(p1.roles).toHaveLength(3);
    expect(p1.nextCursor).toBe(p1.roles[2]?.roleArn);
    const p2 = listRoleEntries(db, { limit: 3, ...(p1.nextCursor ? { cursor: p1.nextCursor } : {}) });
    expect(p2.roles).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const arns = [...p1.roles, ...p2.roles].map((r) => r.roleArn);
    expect(arns).toEqual([...arns].sort());
    expect(listRoleEntries(db, { kind: "ecs-task" }).roles.map((r) => r.roleArn)).toEqual([TASK]);
  });

  it("replaces the whole table contents", async () => {
    await refreshCatalog(store);
    const only: RoleCatalogEntry = {
      roleArn: `arn:aws:iam::${A}:role/x`,
      accountId: A,
      roleName: "x",
      kinds: [
        {
          kind: "lambda",
          confidence: 0.95,
          evidence: [{ signal: "lambda.function-role", detail: "d", weight: 0.95 }],
        },
      ],
      dualUse: false,
      firstSeen: null,
      lastSeen: null,
    };
    store.catalog.save([only]);
    expect(listRoleEntries(db).roles).toEqual([only]);
  });
});

/** Records of one role, enough for the catalogue to list it. */
const roleRecords = (roleName: string, prefix: number) =>
  Array.from({ length: 5 }, (_, i) =>
    makeRecord({ eventId: uuidFor(i, prefix), eventTime: "2026-11-16T09:00:00Z", roleName }),
  );

/** A pace that calls `between` at each of its pauses: where another process may commit. */
const pausing = (between: (pause: number) => Promise<void>): StagePace => {
  let pauses = 0;
  return { denials: 1_000, evidence: 1_000, pause: () => between(++pauses) };
};

/*
 * Two processes on one file (two `deniedby ingest`, or one beside the server) each refresh the catalogue after their
 * own commits: one that read the facts before the other's last commit must not save, after the other, a catalogue
 * of fewer facts than are stored.
 */
describe("refreshCatalog beside another writer on the same file", () => {
  const twoConnections = () => {
    const path = join(tempDir(), "shared.db");
    return [openDb({ path }), openDb({ path })] as const;
  };
  const catalogArns = (on: Db) => listRoleEntries(on, { limit: 100 }).roles.map((r) => r.roleArn);
  const role = (name: string) => `arn:aws:iam::${A}:role/${name}`;

  it("ends with the catalogue of every stored fact when the other stored and refreshed while it classified", async () => {
    const [first, second] = twoConnections();
    await ingestRecords(first, roleRecords("alpha", 1));
    // Right after this refresh has read the facts, the other process stores a new role and refreshes.
    const pace = pausing(async (pause) => {
      if (pause !== 1) return;
      await ingestRecords(second, roleRecords("beta", 2));
      await refreshCatalog(createStore(second));
    });
    const refresh = await refreshCatalog(createStore(first), pace);
    expect(catalogArns(first)).toEqual([role("alpha"), role("beta")]);
    expect(refresh.roles).toBe(2);
    first.$client.close();
    second.$client.close();
  });

  it("saves what is stored even when the other commits during every attempt (the last one holds the lock)", async () => {
    const [first, second] = twoConnections();
    await ingestRecords(first, roleRecords("alpha", 1));
    const added: string[] = [];
    const pace = pausing(async (pause) => {
      added.push(role(`beta-${pause}`));
      await ingestRecords(second, roleRecords(`beta-${pause}`, 10 + pause));
    });
    const refresh = await refreshCatalog(createStore(first), pace);
    expect(added.length).toBeGreaterThan(2);
    expect(catalogArns(first)).toEqual([role("alpha"), ...added].sort());
    expect(refresh.roles).toBe(1 + added.length);
    first.$client.close();
    second.$client.close();
  });
});
