import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { createStore } from "./store.js";

const input = (snapshot: string, capturedAt = 1_000) => ({
  kind: "iam",
  subject: "111122223333",
  ref: "/tmp/details.json",
  capturedAt,
  importedAt: 5_000,
  snapshot,
  problems: "[]",
});

const change = (eventId: string, seq: number, at: number) => ({
  eventId,
  seq,
  at,
  event: "iam:PutRolePolicy",
  subject: "arn:aws:iam::111122223333:role/app",
  change: JSON.stringify({ eventId, seq }),
});

describe("the policy store", () => {
  it("stores an import once: the same data again writes nothing and returns the earlier import", () => {
    const store = createStore(memoryDb());
    const first = store.policies.saveImport(input('{"a":1}'));
    expect(first.created).toBe(true);
    const generation = store.generations().policy;
    const again = store.policies.saveImport(input('{"a":1}', 9_000));
    expect(again).toEqual({ import: first.import, created: false });
    expect(store.generations().policy).toBe(generation);
    const other = store.policies.saveImport(input('{"a":2}', 500));
    expect(other.created).toBe(true);
    expect(store.generations().policy).toBe(generation + 1);
    // Oldest capture first: the order a rebuild applies them in.
    expect(store.policies.snapshots().map((s) => s.snapshot)).toEqual(['{"a":2}', '{"a":1}']);
    expect(store.policies.imports()[1]).toMatchObject({
      kind: "iam",
      ref: "/tmp/details.json",
      capturedAt: 1_000,
    });
  });

  it("keeps each change of an event once and gives them back in time order", () => {
    const store = createStore(memoryDb());
    expect(
      store.policies.addChanges([change("e2", 0, 200), change("e1", 1, 100), change("e1", 0, 100)]),
    ).toBe(3);
    expect(store.policies.addChanges([change("e1", 0, 100)])).toBe(0);
    expect(store.policies.changes().map((c) => `${c.eventId}/${c.seq}`)).toEqual(["e1/0", "e1/1", "e2/0"]);
    const last = store.policies.lastChangeRowid();
    store.policies.addChanges([change("e0", 0, 50)]);
    expect(store.policies.changesAfter(last).map((c) => c.eventId)).toEqual(["e0"]);
    expect(store.policies.changeCount()).toBe(4);
    store.policies.clearChanges();
    expect(store.policies.changeCount()).toBe(0);
  });

  it("remembers a derived value until its stamp moves, handing the old one to the builder", () => {
    const store = createStore(memoryDb());
    const builds: unknown[] = [];
    const build = (previous: { stamp: unknown; value: number } | undefined) => {
      builds.push(previous?.value);
      return (previous?.value ?? 0) + 1;
    };
    expect(store.holds("n")).toBe(false);
    expect(store.remember("n", 1, build)).toBe(1);
    expect(store.remember("n", 1, build)).toBe(1);
    expect(store.remember("n", 2, build)).toBe(2);
    expect(builds).toEqual([undefined, 1]);
    expect(store.holds("n")).toBe(true);
  });

  it("keeps a stage's cursor", () => {
    const store = createStore(memoryDb());
    expect(store.policies.cursor("s")).toBeUndefined();
    store.policies.setCursor("s", 42, 3);
    store.policies.setCursor("s", 43, 3);
    expect(store.policies.cursor("s")).toEqual({ position: 43, generation: 3 });
  });
});
