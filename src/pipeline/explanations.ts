import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { EXAMPLES_SOURCE } from "../db/examples.repository.js";
import type { DenialRow } from "../db/schema.js";
import type { Store, StoreGenerations } from "../db/store.js";
import { type Explanation, explainDenial } from "../explain/explain.js";
import { type NoiseReason, noiseReasons } from "../explain/reasons.js";
import type { PolicyView } from "../policy/index.js";
import { catalogLookup } from "./catalog.js";
import { currentPolicies } from "./policy-model.js";

/**
 * How much memory the cached explanations may hold: the pages on-call reads again and again. Bounded by bytes, not
 * by count, since one explanation can be megabytes (a long message, many caveats and commands).
 */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

interface Entry {
  explanation: Explanation;
  json: Buffer;
  /** What the entry is charged: its JSON bytes, and the object it was made from counted at the same size again. */
  bytes: number;
}

type CatalogLookup = (roleArn: string) => RoleCatalogEntry | undefined;

function noiseReasonOf(code: string | null): Explanation["noiseReason"] {
  if (code === null) return null;
  const text = Object.hasOwn(noiseReasons, code) ? noiseReasons[code as NoiseReason] : code;
  return { code: code as NoiseReason, text };
}

/**
 * The explanation of a stored denial: its record explained with the catalogue as context, showing the stored
 * analysis as it is (its incident, and the incident's noise, which is what listings filter on): one truth per
 * denial, whatever reads it.
 */
export function explainStoredDenial(
  row: Pick<DenialRow, "raw" | "incidentId" | "noise" | "noiseReason"> & { source?: string },
  catalog: CatalogLookup,
  policies?: PolicyView,
): Explanation {
  const record = JSON.parse(row.raw) as CloudTrailRecord;
  const explanation = explainDenial(record, { catalog, ...(policies ? { policies } : {}) });
  if (row.incidentId !== null) explanation.incidentId = row.incidentId;
  explanation.noise = row.noise;
  explanation.noiseReason = row.noise ? noiseReasonOf(row.noiseReason) : null;
  if (row.source === EXAMPLES_SOURCE) explanation.example = true;
  return explanation;
}

/**
 * Explanations of stored denials for everything that shows them (the API, Slack, the CLI), computed from the
 * stored catalogue and the policy model, and cached until the catalogue, the stored analysis or the policy store
 * changes (their generations, migration 0006, the analysis writer, the policy store): after a role is reclassified
 * or a policy imported, every body, listing and incident agrees again.
 */
export function createExplanations(store: Store, options: { maxBytes?: number } = {}) {
  const maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
  let generations: StoreGenerations = { catalog: -1, analysis: -1, policy: -1 };
  let stamp = "";
  let catalog: CatalogLookup = () => undefined;
  let policies: PolicyView | undefined;
  /**
   * Each explanation with its JSON as UTF-8 bytes, so a page is answered by concatenating buffers rather than
   * measuring and encoding the whole body again on every response. Oldest first (Map order) for eviction.
   */
  const cache = new Map<string, Entry>();
  let cachedBytes = 0;
  const evict = (id: string, entry: Entry) => {
    cache.delete(id);
    cachedBytes -= entry.bytes;
  };
  const remember = (row: DenialRow): Entry => {
    const explanation = explainStoredDenial(row, catalog, policies);
    const json = Buffer.from(JSON.stringify(explanation));
    const entry = { explanation, json, bytes: 2 * json.byteLength };
    const previous = cache.get(row.eventId);
    if (previous) evict(row.eventId, previous);
    // An entry larger than the whole budget is answered but not kept.
    if (entry.bytes > maxBytes) return entry;
    for (const [id, old] of cache) {
      if (cachedBytes + entry.bytes <= maxBytes) break;
      evict(id, old);
    }
    cache.set(row.eventId, entry);
    cachedBytes += entry.bytes;
    return entry;
  };

  const sync = () => {
    // Most requests find nothing committed since the last: one cheap check, no generation read.
    const changed = store.changeStamp();
    if (changed === stamp) return;
    stamp = changed;
    const now = store.generations();
    const same = now.catalog === generations.catalog && now.analysis === generations.analysis;
    if (same && now.policy === generations.policy) return;
    if (!same) catalog = catalogLookup(store.db);
    if (now.policy !== generations.policy) policies = currentPolicies(store);
    generations = now;
    cache.clear();
    cachedBytes = 0;
  };

  return {
    /** Brings the catalogue up to date; call once per request (or scan) before explaining. */
    sync,
    catalog: (roleArn: string) => catalog(roleArn),
    /** The policy model the explanations were evaluated against (after `sync`). */
    policies: () => policies,
    explain(row: DenialRow): Explanation {
      return (cache.get(row.eventId) ?? remember(row)).explanation;
    },
    /** The JSON (UTF-8) of each denial, in the order given; rows are fetched only for those not explained yet. */
    jsonOf(eventIds: string[], fetchRows: (ids: string[]) => DenialRow[]): Buffer[] {
      // Held here, not re-read from the cache: explaining the missing ones may evict others of the same page.
      const found = new Map<string, Entry>();
      for (const id of eventIds) {
        const entry = cache.get(id);
        if (entry) found.set(id, entry);
      }
      const missing = eventIds.filter((id) => !found.has(id));
      if (missing.length > 0) for (const row of fetchRows(missing)) found.set(row.eventId, remember(row));
      return eventIds.flatMap((id) => {
        const entry = found.get(id);
        return entry ? [entry.json] : [];
      });
    },
    /** What the cache holds now: entries and bytes charged (for /metrics and tests). */
    cacheSize: () => ({ entries: cache.size, bytes: cachedBytes }),
  };
}

export type Explanations = ReturnType<typeof createExplanations>;
