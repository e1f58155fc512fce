import { z } from "zod";

/**
 * What is left to read of one account and region's event history, and how far it got: the plan a pull follows and
 * the checkpoint it commits with every page (docs/sources.md, "Backfills"). Pure: no clock, no client.
 *
 * Times are epoch ms in whole seconds. A range `[from, to]` is closed at both ends, as LookupEvents' StartTime and
 * EndTime are; consecutive ranges share their boundary second, so events with equal timestamps there are read twice
 * and stored once.
 */

/** A closed range of event times still to read. */
export type Range = readonly [from: number, to: number];

/** The window being paged and the token of its next page (a NextToken is only valid with the same Start/End). */
export interface PagedWindow {
  from: number;
  to: number;
  nextToken: string | null;
}

export interface PlanState {
  /** Every event at or before this instant is delivered (a previous pull's word; never reported lower). */
  floor: number | null;
  /** The end of the newest range taken into the plan. */
  reached: number | null;
  /** Ranges not read yet, oldest first, all at or before `reached`. */
  pending: Range[];
  /**
   * The window under way. While it is, `pending[0]` is `[window.from, t]`, where `t` is the oldest event time paged
   * so far (LookupEvents pages newest first): `(t, window.to]` is read.
   */
  window: PagedWindow | null;
}

const Window = z.object({ from: z.number(), to: z.number(), nextToken: z.string().nullable() });

const CheckpointV1 = z.object({
  v: z.literal(1),
  highWater: z.number().nullable(),
  window: Window.nullable(),
});

export const LookupCheckpoint = z.object({
  v: z.literal(2),
  highWater: z.number().nullable(),
  reached: z.number().nullable(),
  pending: z.array(z.tuple([z.number(), z.number()])),
  window: Window.nullable(),
  /** The last LookupEvents request's slot, taken before it was sent: the next process keeps its distance. */
  lastRequestAt: z.number().nullable(),
});
export type LookupCheckpoint = z.infer<typeof LookupCheckpoint>;

/** A stored checkpoint of either version (version 1 paged fixed one-hour windows), as version 2. */
export const StoredLookupCheckpoint = z.union([
  LookupCheckpoint,
  CheckpointV1.transform(
    (c): LookupCheckpoint => ({
      v: 2,
      highWater: c.highWater,
      reached: c.window ? c.window.to : c.highWater,
      pending: c.window ? [[c.window.from, c.window.to]] : [],
      window: c.window,
      lastRequestAt: null,
    }),
  ),
]);

export const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/** Every event at or before it is delivered. */
export function highWaterOf(state: PlanState): number | null {
  const front = state.pending[0]?.[0] ?? state.reached;
  if (front === null) return state.floor;
  return state.floor === null ? front : Math.max(state.floor, front);
}

export function checkpointValue(state: PlanState, lastRequestAt: number | null): LookupCheckpoint {
  return {
    v: 2,
    highWater: highWaterOf(state),
    reached: state.reached,
    pending: state.pending.map(([a, b]) => [a, b]),
    window: state.window,
    lastRequestAt,
  };
}

/** Ranges sorted and merged where they overlap or touch. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export interface StartOptions {
  /** A one-off `--since`: read from here, whatever the checkpoint says. */
  since?: number | undefined;
  /** Where a first pull starts. */
  lookbackStart: number;
  /** The end of this pull (now less the settle delay). */
  end: number;
  /** Re-read this much before the last end, for events that become visible late. */
  overlapMs: number;
}

/**
 * The plan of one pull: a stored plan goes on (its window first) with the new time up to `end` added; a first pull
 * reads from the lookback; `since` reads from there. Progress is not committed when `since` lies after the stored
 * high-water mark: that would claim the gap between them.
 */
export function startPlan(
  stored: LookupCheckpoint | null,
  options: StartOptions,
): { state: PlanState; checkpointed: boolean } {
  const floor = stored?.highWater ?? null;
  const end = second(options.end);
  if (options.since !== undefined) {
    const since = second(options.since);
    const checkpointed = floor === null || since <= floor;
    const pending = since <= end ? [[since, end] as const] : [];
    return {
      state: { floor, reached: Math.max(stored?.reached ?? end, end), pending, window: null },
      checkpointed,
    };
  }
  if (stored === null || stored.reached === null) {
    const from = second(options.lookbackStart);
    return {
      state: { floor, reached: end, pending: from <= end ? [[from, end]] : [], window: null },
      checkpointed: true,
    };
  }
  const tail: Range[] = end > stored.reached ? [[second(stored.reached - options.overlapMs), end]] : [];
  const pending = stored.window
    ? [
        stored.pending[0] ?? [stored.window.from, stored.window.to],
        ...mergeRanges([...stored.pending.slice(1), ...tail]),
      ]
    : mergeRanges([...stored.pending, ...tail]);
  return {
    state: { floor, reached: Math.max(stored.reached, end), pending, window: stored.window },
    checkpointed: true,
  };
}

/**
 * The window to page next: the stored one, or the oldest pending range cut to about `sizeMs` (whole seconds, at
 * least one). Cutting splits `pending[0]` at the window's end.
 */
export function openWindow(
  state: PlanState,
  sizeMs: number,
): { state: PlanState; window: PagedWindow } | null {
  if (state.window) return { state, window: state.window };
  const [head, ...rest] = state.pending;
  if (head === undefined) return null;
  const [from, to] = head;
  const end = sizeMs >= to - from ? to : Math.min(to, from + Math.max(1000, second(sizeMs)));
  const window: PagedWindow = { from, to: end, nextToken: null };
  const pending: Range[] = end < to ? [[from, end], [end, to], ...rest] : [head, ...rest];
  return { state: { ...state, pending, window }, window };
}

/** After a page of the open window: its oldest event time (null for an empty page) and the token of the next. */
export function pageRead(
  state: PlanState,
  page: { oldest: number | null; nextToken: string | null },
): PlanState {
  const { window } = state;
  const [head, ...rest] = state.pending;
  if (window === null || head === undefined) return state;
  if (page.nextToken === null)
    return {
      ...state,
      pending: rest,
      window: null,
      reached: state.reached === null ? window.to : Math.max(state.reached, window.to),
    };
  const below = page.oldest === null ? head[1] : Math.min(head[1], Math.max(head[0], page.oldest));
  return { ...state, pending: [[head[0], below], ...rest], window: { ...window, nextToken: page.nextToken } };
}

/**
 * Stops paging the open window, keeping what it read: `pending[0]` (the part at or below the oldest event paged) is
 * read later in windows of its own. Only when that part is shorter than the window (progress was made), longer than
 * a second (it can still be cut), and the last page reached past its oldest second (`lastPageNewest`): inside a
 * second busier than a page, cutting would read that second again from its start. Otherwise null: page on.
 */
export function cutWindow(state: PlanState, lastPageNewest: number): PlanState | null {
  const { window } = state;
  const head = state.pending[0];
  if (window === null || head === undefined) return null;
  if (head[1] >= window.to || head[1] <= head[0] || lastPageNewest <= head[1]) return null;
  return { ...state, window: null };
}

/** A token refused (expired, or from before a restart): the window's unread part is read again from scratch. */
export function tokenRefused(state: PlanState): PlanState {
  return { ...state, window: null };
}
