import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { loadScenario } from "../../test/support/scenario.js";
import { getDenial } from "../db/denials.repository.js";
import type { DenialRow } from "../db/schema.js";
import { createStore } from "../db/store.js";
import { createExplanations } from "./explanations.js";

const db = memoryDb();
const store = createStore(db);
let rows: DenialRow[] = [];

beforeAll(async () => {
  await loadScenario(db);
  const ids = db.$client.prepare("SELECT event_id AS id FROM denials ORDER BY event_id").all() as {
    id: string;
  }[];
  rows = ids.flatMap(({ id }) => getDenial(db, id) ?? []);
});

/** The JSON bytes of every denial's explanation, as an unbounded cache serves them. */
function reference(): Buffer[] {
  const all = createExplanations(store);
  all.sync();
  return all.jsonOf(
    rows.map((r) => r.eventId),
    () => rows,
  );
}

describe("the explanation cache", () => {
  it("is bounded by bytes, evicting the oldest, whatever the number of entries", () => {
    expect(rows.length).toBeGreaterThan(10);
    const sizes = reference().map((b) => 2 * b.byteLength);
    const maxBytes = sizes.slice(0, 4).reduce((a, b) => a + b, 0);
    const explanations = createExplanations(store, { maxBytes });
    explanations.sync();
    for (const row of rows) {
      explanations.explain(row);
      expect(explanations.cacheSize().bytes).toBeLessThanOrEqual(maxBytes);
    }
    const { entries } = explanations.cacheSize();
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(rows.length);
    // The newest explained are the ones kept: the last row is cached, the first was evicted.
    const fetched: string[] = [];
    explanations.jsonOf([rows[0]?.eventId ?? "", rows.at(-1)?.eventId ?? ""], (ids) => {
      fetched.push(...ids);
      return rows.filter((r) => ids.includes(r.eventId));
    });
    expect(fetched).toEqual([rows[0]?.eventId]);
  });

  it("answers a whole page even when the page is larger than the cache, and keeps no entry larger than it", () => {
    const want = reference();
    const explanations = createExplanations(store, { maxBytes: 1024 });
    explanations.sync();
    const got = explanations.jsonOf(
      rows.map((r) => r.eventId),
      (ids) => rows.filter((r) => ids.includes(r.eventId)),
    );
    expect(got.map(String)).toEqual(want.map(String));
    expect(explanations.cacheSize().bytes).toBeLessThanOrEqual(1024);
    expect(Math.min(...want.map((b) => 2 * b.byteLength))).toBeGreaterThan(1024);
    expect(explanations.cacheSize().entries).toBe(0);
  });
});
