import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryDb, tempDir } from "../../test/support/db.js";
import { openDb } from "./client.js";
import { createCatalogWriter, getCatalogEntry, listCatalog } from "./role-catalog.repository.js";
import type { StoredRoleEntry } from "./store.types.js";

const entry = (name: string, kind: string, lastSeen: number) =>
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
  }) satisfies StoredRoleEntry;

describe("the catalogue writer", () => {
  it("writes only new and changed roles, deletes vanished ones, and stores exactly the entries", () => {
    const db = memoryDb();
    // One writer per connection, as the store holds it: it remembers what it saved last.
    const catalog = createCatalogWriter(db);
    const first = [entry("a", "ecs-task", 2000), entry("b", "lambda", 2000), entry("c", "sso", 2000)];
    const [a, b, c] = first.map((e) => e.roleArn);
    const d = entry("d", "ec2-instance", 2000).roleArn;
    expect(catalog.save(first)).toEqual({ written: 3, deleted: 0, kindChanged: [a, b, c] });
    // The same entries again: nothing to write.
    expect(catalog.save(first)).toEqual({ written: 0, deleted: 0, kindChanged: [] });

    const changedKind = entry("a", "ecs-task-execution", 2000);
    const changedTime = entry("b", "lambda", 3000);
    const added = entry("d", "ec2-instance", 2000);
    const second = [changedKind, changedTime, added];
    // Only a leading kind that changed, appeared or vanished is a kind change; a new lastSeen is not.
    expect(catalog.save(second)).toEqual({ written: 3, deleted: 1, kindChanged: [a, c, d] });
    expect(listCatalog(db).roles).toEqual(second);
    expect(getCatalogEntry(db, first[2]?.roleArn ?? "")).toBeNull();

    // A change hidden in the evidence (same leading kind and confidence) is still written.
    const reworded = {
      ...changedTime,
      kinds: [{ ...changedTime.kinds[0], evidence: [{ signal: "name.hint", detail: "other", weight: 0.3 }] }],
    } as StoredRoleEntry;
    expect(catalog.save([changedKind, reworded, added])).toEqual({ written: 1, deleted: 0, kindChanged: [] });
    expect(getCatalogEntry(db, reworded.roleArn)).toEqual(reworded);
    expect(listCatalog(db, { kind: "ecs-task-execution" }).roles.map((r) => r.roleName)).toEqual(["a"]);
  });

  it("notices rows written by anyone else: raw SQL on the same connection, or another connection", () => {
    const path = join(tempDir(), "catalog.db");
    const one = openDb({ path });
    const other = openDb({ path });
    const oneCatalog = createCatalogWriter(one);
    const otherCatalog = createCatalogWriter(other);
    const entries = [entry("a", "ecs-task", 2000), entry("b", "lambda", 2000)];
    const [a, b] = entries.map((e) => e.roleArn);
    const c = entry("c", "sso", 2000).roleArn;
    expect(oneCatalog.save(entries)).toEqual({ written: 2, deleted: 0, kindChanged: [a, b] });

    one.$client.exec("DELETE FROM role_catalog WHERE role_name = 'a'");
    expect(oneCatalog.save(entries)).toEqual({ written: 1, deleted: 0, kindChanged: [a] });
    one.$client.exec("UPDATE role_catalog SET kind = 'sso' WHERE role_name = 'b'");
    expect(oneCatalog.save(entries)).toEqual({ written: 1, deleted: 0, kindChanged: [b] });
    expect(listCatalog(one).roles).toEqual(entries);

    // Another process replaces the catalogue; the first one's next save must put its own entries back.
    expect(otherCatalog.save([entry("c", "sso", 2000)])).toEqual({
      written: 1,
      deleted: 2,
      kindChanged: [a, b, c],
    });
    expect(oneCatalog.save(entries)).toEqual({ written: 2, deleted: 1, kindChanged: [a, b, c] });
    expect(listCatalog(other).roles).toEqual(entries);
    one.$client.close();
    other.$client.close();
  });
});
