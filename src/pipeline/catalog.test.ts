import { describe, expect, it } from "vitest";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import type { StoredRoleEntry } from "../db/store.types.js";
import { catalogLookup, lazyCatalogLookup, toRoleEntry } from "./catalog.js";

const entry = (kinds: string[]): StoredRoleEntry => ({
  roleArn: "arn:aws:iam::111122223333:role/app",
  accountId: "111122223333",
  roleName: "app",
  kinds: kinds.map((kind) => ({ kind, confidence: 0.9, evidence: [] })),
  dualUse: false,
  firstSeen: null,
  lastSeen: null,
});

describe("a stored catalogue entry in the classifier's terms", () => {
  it("is the same entry when every kind is one this version knows", () => {
    const stored = entry(["ecs-task", "lambda"]);
    expect(toRoleEntry(stored)).toBe(stored);
  });

  it("reads a kind this version does not know (written by another version) as unknown", () => {
    expect(toRoleEntry(entry(["ecs-task", "quantum-role"])).kinds.map((k) => k.kind)).toEqual([
      "ecs-task",
      "unknown",
    ]);
  });
});

describe("catalogue lookups by role ARN", () => {
  const role: RoleCatalogEntry = {
    roleArn: "arn:aws:iam::111122223333:role/service-role/config-recorder",
    accountId: "111122223333",
    roleName: "config-recorder",
    kinds: [{ kind: "service-role", confidence: 0.7, evidence: [], service: "config.amazonaws.com" }],
    dualUse: false,
    firstSeen: null,
    lastSeen: null,
  };
  const db = openDb({ path: ":memory:" });
  createStore(db).catalog.save([role]);

  it("find a role with a path from the path-less ARN a session or a pasted message gives, and keep its service", () => {
    for (const lookup of [catalogLookup(db), lazyCatalogLookup(db)]) {
      expect(lookup("arn:aws:iam::111122223333:role/config-recorder")).toEqual(role);
      expect(lookup(role.roleArn)?.kinds[0]?.service).toBe("config.amazonaws.com");
      expect(lookup("arn:aws:iam::999999999999:role/config-recorder")).toBeUndefined();
      expect(lookup("arn:aws:iam::111122223333:role/other")).toBeUndefined();
    }
  });
});
