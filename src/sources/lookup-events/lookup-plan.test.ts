import { describe, expect, it } from "vitest";
import {
  checkpointValue,
  cutWindow,
  highWaterOf,
  type LookupCheckpoint,
  mergeRanges,
  openWindow,
  type PlanState,
  pageRead,
  StoredLookupCheckpoint,
  startPlan,
  tokenRefused,
} from "./lookup-plan.js";

const S = 1000;
const base = { lookbackStart: 1_000 * S, end: 10_000 * S, overlapMs: 300 * S };

const stored = (over: Partial<LookupCheckpoint>): LookupCheckpoint => ({
  v: 2,
  highWater: null,
  reached: null,
  pending: [],
  window: null,
  lastRequestAt: null,
  ...over,
});

describe("the LookupEvents plan", () => {
  it("starts a first pull as one range from the lookback to the end", () => {
    const { state, checkpointed } = startPlan(null, base);
    expect(state.pending).toEqual([[1_000 * S, 10_000 * S]]);
    expect(state.reached).toBe(10_000 * S);
    expect(checkpointed).toBe(true);
  });

  it("goes on from the last end less the overlap, merged with what an interrupted pull left", () => {
    const { state } = startPlan(
      stored({
        highWater: 2_000 * S,
        reached: 9_000 * S,
        pending: [
          [2_000 * S, 2_500 * S],
          [8_900 * S, 9_000 * S],
        ],
      }),
      base,
    );
    expect(state.pending).toEqual([
      [2_000 * S, 2_500 * S],
      [8_700 * S, 10_000 * S],
    ]);
    expect(highWaterOf(state)).toBe(2_000 * S);
  });

  it("keeps a stored window first so its token can be used", () => {
    const window = { from: 2_000 * S, to: 5_000 * S, nextToken: "t" };
    const { state } = startPlan(
      stored({ highWater: 2_000 * S, reached: 5_000 * S, pending: [[2_000 * S, 3_000 * S]], window }),
      base,
    );
    expect(state.window).toEqual(window);
    expect(state.pending).toEqual([
      [2_000 * S, 3_000 * S],
      [4_700 * S, 10_000 * S],
    ]);
    expect(openWindow(state, 1)?.window).toEqual(window);
  });

  it("reads a version 1 checkpoint: its window is the whole first range, its token kept", () => {
    const parsed = StoredLookupCheckpoint.parse({
      v: 1,
      highWater: 3_600 * S,
      window: { from: 3_600 * S, to: 7_200 * S, nextToken: "tok" },
    });
    expect(parsed).toEqual(
      stored({
        highWater: 3_600 * S,
        reached: 7_200 * S,
        pending: [[3_600 * S, 7_200 * S]],
        window: { from: 3_600 * S, to: 7_200 * S, nextToken: "tok" },
      }),
    );
    expect(StoredLookupCheckpoint.parse({ v: 1, highWater: 5, window: null })).toMatchObject({
      reached: 5,
      pending: [],
    });
  });

  it("commits progress for a --since at or before the stored high-water mark, not after it", () => {
    const at = stored({ highWater: 5_000 * S, reached: 5_000 * S });
    expect(startPlan(at, { ...base, since: 4_000 * S }).checkpointed).toBe(true);
    const later = startPlan(at, { ...base, since: 6_000 * S });
    expect(later.checkpointed).toBe(false);
    expect(later.state.pending).toEqual([[6_000 * S, 10_000 * S]]);
  });

  it("cuts the first range at the window's size, sharing the boundary second", () => {
    const { state } = startPlan(null, base);
    const opened = openWindow(state, 2_000 * S);
    expect(opened?.window).toEqual({ from: 1_000 * S, to: 3_000 * S, nextToken: null });
    expect(opened?.state.pending).toEqual([
      [1_000 * S, 3_000 * S],
      [3_000 * S, 10_000 * S],
    ]);
    // A size below one second still opens a one-second window.
    expect(openWindow(state, 10)?.window.to).toBe(1_001 * S);
  });

  it("narrows the window's range to the oldest event paged, and drops it when the window ends", () => {
    const opened = openWindow(startPlan(null, base).state, Number.POSITIVE_INFINITY);
    if (!opened) throw new Error("no window");
    const partial = pageRead(opened.state, { oldest: 9_000 * S, nextToken: "n1" });
    expect(partial.pending).toEqual([[1_000 * S, 9_000 * S]]);
    expect(partial.window?.nextToken).toBe("n1");
    expect(highWaterOf(partial)).toBe(1_000 * S);
    const done = pageRead(partial, { oldest: 1_500 * S, nextToken: null });
    expect(done.pending).toEqual([]);
    expect(done.window).toBeNull();
    expect(highWaterOf(done)).toBe(10_000 * S);
  });

  it("cuts a window only after progress, above a one-second remainder, and outside a busy second", () => {
    const opened = openWindow(startPlan(null, base).state, Number.POSITIVE_INFINITY);
    if (!opened) throw new Error("no window");
    const partial = pageRead(opened.state, { oldest: 9_000 * S, nextToken: "n" });
    expect(cutWindow(partial, 9_500 * S)).toMatchObject({ window: null, pending: [[1_000 * S, 9_000 * S]] });
    // The last page held only its oldest second: cutting would read that second again.
    expect(cutWindow(partial, 9_000 * S)).toBeNull();
    const none = pageRead(opened.state, { oldest: 10_000 * S, nextToken: "n" });
    expect(cutWindow(none, 10_000 * S)).toBeNull();
    const tight: PlanState = { ...partial, pending: [[9_000 * S, 9_000 * S]] };
    expect(cutWindow(tight, 9_500 * S)).toBeNull();
  });

  it("re-reads only the unread part of a window whose token is refused", () => {
    const opened = openWindow(startPlan(null, base).state, Number.POSITIVE_INFINITY);
    if (!opened) throw new Error("no window");
    const partial = pageRead(opened.state, { oldest: 6_000 * S, nextToken: "n" });
    const again = openWindow(tokenRefused(partial), Number.POSITIVE_INFINITY);
    expect(again?.window).toEqual({ from: 1_000 * S, to: 6_000 * S, nextToken: null });
  });

  it("writes the high-water mark, the plan and the last slot into the checkpoint", () => {
    const state: PlanState = { floor: 7, reached: 20 * S, pending: [[5 * S, 6 * S]], window: null };
    expect(checkpointValue(state, 123)).toEqual(
      stored({ highWater: 5 * S, reached: 20 * S, pending: [[5 * S, 6 * S]], lastRequestAt: 123 }),
    );
    // Never lower than what an earlier pull had delivered.
    expect(highWaterOf({ ...state, floor: 9 * S })).toBe(9 * S);
  });

  it("merges overlapping and touching ranges and drops empty ones", () => {
    expect(
      mergeRanges([
        [5, 9],
        [1, 3],
        [3, 4],
        [8, 12],
        [20, 19],
      ]),
    ).toEqual([
      [1, 4],
      [5, 12],
    ]);
  });
});
