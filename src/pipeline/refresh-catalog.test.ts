import { beforeEach, describe, expect, it } from "vitest";
import { A, EXEC, HOST, seedCatalogStore, T, TASK, USER } from "../../test/support/catalog-seed.js";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { type Db, openDb } from "../db/client.js";
import { roleCatalog } from "../db/schema.js";
import { createStore, type Store } from "../db/store.js";
import { getRoleEntry, listRoleEntries } from "./catalog.js";
import { refreshCatalog } from "./refresh-catalog.js";

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
