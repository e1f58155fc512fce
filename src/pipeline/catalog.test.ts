import { describe, expect, it } from "vitest";
import type { StoredRoleEntry } from "../db/store.types.js";
import { toRoleEntry } from "./catalog.js";

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
