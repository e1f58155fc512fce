import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { DenialRow } from "../db/schema.js";
import type { Store, StoreGenerations } from "../db/store.js";
import { type Explanation, explainDenial } from "../explain/explain.js";
import { type NoiseReason, noiseReasons } from "../explain/reasons.js";
import type { PolicyView } from "../policy/index.js";
import { catalogLookup } from "./catalog.js";
import { currentPolicies } from "./policy-model.js";

/** How many explanations are kept: the pages on-call reads again and again. */
const MAX_CACHED = 20_000;

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
  row: Pick<DenialRow, "raw" | "incidentId" | "noise" | "noiseReason">,
  catalog: CatalogLookup,
  policies?: PolicyView,
): Explanation {
  const record = JSON.parse(row.raw) as CloudTrailRecord;
  const explanation = explainDenial(record, { catalog, ...(policies ? { policies } : {}) });
  if (row.incidentId !== null) explanation.incidentId = row.incidentId;
  explanation.noise = row.noise;
  explanation.noiseReason = row.noise ? noiseReasonOf(row.noiseReason) : null;
  return explanation;
}

/**
 * Explanations of stored denials for everything that shows them (the API, Slack, the CLI), computed from the
 * stored catalogue and the policy model, and cached until the catalogue, the stored analysis or the policy store
 * changes (their generations, migration 0006, the analysis writer, the policy store): after a role is reclassified
 * or a policy imported, every body, listing and incident agrees again.
 */
export function createExplanations(store: Store) {
  let generations: StoreGenerations = { catalog: -1, analysis: -1, policy: -1 };
  let stamp = "";
  let catalog: CatalogLookup = () => undefined;
  let policies: PolicyView | undefined;
  /**
   * Each explanation with its JSON as UTF-8 bytes, so a page is answered by concatenating buffers rather than
   * measuring and encoding the whole body again on every response.
   */
  const cache = new Map<string, { explanation: Explanation; json: Buffer }>();
  const remember = (row: DenialRow) => {
    const explanation = explainStoredDenial(row, catalog, policies);
    const entry = { explanation, json: Buffer.from(JSON.stringify(explanation)) };
    if (cache.size >= MAX_CACHED) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(row.eventId, entry);
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
      const missing = eventIds.filter((id) => !cache.has(id));
      if (missing.length > 0) for (const row of fetchRows(missing)) remember(row);
      return eventIds.flatMap((id) => {
        const entry = cache.get(id);
        return entry ? [entry.json] : [];
      });
    },
  };
}

export type Explanations = ReturnType<typeof createExplanations>;
