import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RoleCatalogEntry } from "../../src/classify/kinds.js";
import { openDb } from "../../src/db/client.js";
import { getCatalogEntry, listCatalog, saveCatalog } from "../../src/db/role-catalog.repository.js";
import { memoryDb, tempDir } from "../support/db.js";

const entry = (name: string, kind: RoleCatalogEntry["kinds"][number]["kind"], lastSeen: number) =>
  ({
    roleArn: `arn:aws:iam::111122223333:role/${name}`,
    accountId: "111122223333",
    roleName: name,
    kinds: [
      {
        kind,
        confidence: 0.95,
        evidence: [{ signal: "name.hint", detail: `role name: ${name}`, weight: 0.3 }],
      },
    ],
    dualUse: false,
    firstSeen: 1000,
    lastSeen,
  }) satisfies RoleCatalogEntry;

describe("saveCatalog", () => {
  it("writes only new and changed roles, deletes vanished ones, and stores exactly the entries", () => {
    const db = memoryDb();
    const first = [entry("a", "ecs-task", 2000), entry("b", "lambda", 2000), entry("c", "sso", 2000)];
    expect(saveCatalog(db, first)).toEqual({ written: 3, deleted: 0 });
    // The same entries again: nothing to write.
    expect(saveCatalog(db, first)).toEqual({ written: 0, deleted: 0 });

    const changedKind = entry("a", "ecs-task-execution", 2000);
    const changedTime = entry("b", "lambda", 3000);
    const added = entry("d", "ec2-instance", 2000);
    const second = [changedKind, changedTime, added];
    expect(saveCatalog(db, second)).toEqual({ written: 3, deleted: 1 });
    expect(listCatalog(db).roles).toEqual(second);
    expect(getCatalogEntry(db, first[2]?.roleArn ?? "")).toBeNull();

    // A change hidden in the evidence (same leading kind and confidence) is still written.
    const reworded = {
      ...changedTime,
      kinds: [{ ...changedTime.kinds[0], evidence: [{ signal: "name.hint", detail: "other", weight: 0.3 }] }],
    } as RoleCatalogEntry;
    expect(saveCatalog(db, [changedKind, reworded, added])).toEqual({ written: 1, deleted: 0 });
    expect(getCatalogEntry(db, reworded.roleArn)).toEqual(reworded);
    expect(listCatalog(db, { kind: "ecs-task-execution" }).roles.map((r) => r.roleName)).toEqual(["a"]);
  });

  it("notices rows written by anyone else: raw SQL on the same connection, or another connection", () => {
    const path = join(tempDir(), "catalog.db");
    const one = openDb({ path });
    const other = openDb({ path });
    const entries = [entry("a", "ecs-task", 2000), entry("b", "lambda", 2000)];
    expect(saveCatalog(one, entries)).toEqual({ written: 2, deleted: 0 });

    one.$client.exec("DELETE FROM role_catalog WHERE role_name = 'a'");
    expect(saveCatalog(one, entries)).toEqual({ written: 1, deleted: 0 });
    one.$client.exec("UPDATE role_catalog SET kind = 'sso' WHERE role_name = 'b'");
    expect(saveCatalog(one, entries)).toEqual({ written: 1, deleted: 0 });
    expect(listCatalog(one).roles).toEqual(entries);

    // Another process replaces the catalogue; the first one's next save must put its own entries back.
    expect(saveCatalog(other, [entry("c", "sso", 2000)])).toEqual({ written: 1, deleted: 2 });
    expect(saveCatalog(one, entries)).toEqual({ written: 2, deleted: 1 });
    expect(listCatalog(other).roles).toEqual(entries);
    one.$client.close();
    other.$client.close();
  });
});
