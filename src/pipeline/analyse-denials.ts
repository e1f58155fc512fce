import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { resourcePattern } from "../cloudtrail/resource.js";
import type { Store } from "../db/store.js";
import type { AnalysedDenial, DenialAnalysisColumns, DenialToAnalyse } from "../db/store.types.js";
import { analyseDenial } from "../explain/explain.js";
import { catalogLookup } from "./catalog.js";
import { type StagePace, wholePace } from "./stage-pace.js";

/** Denials read per query; a transaction covers several reads. */
const READ_BATCH = 5_000;

export type CatalogLookup = (roleArn: string) => RoleCatalogEntry | undefined;

/** The analysis columns of one stored denial, or null when its raw record cannot be read. */
function analysisOf(denial: DenialToAnalyse, catalog: CatalogLookup): DenialAnalysisColumns | null {
  let record: CloudTrailRecord;
  try {
    record = JSON.parse(denial.raw) as CloudTrailRecord;
  } catch {
    return null;
  }
  const e = analyseDenial(record, { catalog });
  return {
    action: e.action ?? "",
    resource: e.resource,
    deniedBy: e.parsed.deniedBy,
    policyArn: e.parsed.policyArn ?? null,
    incident: {
      id: e.incidentId,
      principalArn: e.principal.arn,
      roleArn: e.principal.roleArn,
      action: e.action ?? "",
      resourcePattern: resourcePattern(e.resource),
      deniedBy: e.parsed.deniedBy,
      policyArn: e.parsed.policyArn ?? null,
      noiseReason: e.noise,
    },
  };
}

function analyseAll(denials: DenialToAnalyse[], catalog: CatalogLookup): AnalysedDenial[] {
  return denials.map((denial) => {
    try {
      return { denial, analysis: analysisOf(denial, catalog) };
    } catch {
      // An analysis that fails on a strange record still gets columns, so it is not retried forever.
      return { denial, analysis: null };
    }
  });
}

/**
 * Explains every stored denial not yet analysed, fills its analysis columns and folds it into its incident, with
 * the stored catalogue as context. Each transaction reads its denials and writes their analysis and incidents, up
 * to the pace's `denials` (which bounds the WAL, the in-memory fold and a server's step), so the columns and the
 * incident counts always commit together; the pace pauses between transactions. Idempotent.
 */
export async function analysePendingDenials(
  store: Store,
  catalog: CatalogLookup = catalogLookup(store.db),
  pace: StagePace = wholePace,
): Promise<{ analysed: number; incidents: number }> {
  const touched = new Set<string>();
  const perCommit = pace.denials;
  let analysed = 0;
  let after: { time: number; id: string } | undefined;
  for (;;) {
    const rows = await store.write(() => {
      let read = 0;
      const write = store.analysis.begin();
      while (read < perCommit) {
        const want = Math.min(READ_BATCH, perCommit - read);
        const denials = store.analysis.pending(after, want);
        const last = denials.at(-1);
        if (!last) break;
        after = { time: last.eventTime, id: last.eventId };
        read += denials.length;
        write.add(analyseAll(denials, catalog));
        if (denials.length < want) break;
      }
      for (const id of write.finish().incidents) touched.add(id);
      return read;
    });
    analysed += rows;
    if (rows < perCommit) break;
    await pace.pause();
  }
  return { analysed, incidents: touched.size };
}

/**
 * Analyses again every denial of roles whose catalogue entry changed kind, and rebuilds their incidents: a denial's
 * noise depends on its role's kind (a service-linked role's denials are noise), and the stored analysis is what
 * listings, incidents, Slack and the report read. One transaction per role; roles with no analysed denial are
 * skipped (the pending analysis covers them). Each role done is settled with the catalogue writer, so a run that
 * fails half-way leaves the rest to the next run. The pace pauses between roles.
 */
export async function reanalyseRoles(
  store: Store,
  roles: readonly string[],
  catalog: CatalogLookup = catalogLookup(store.db),
  pace: StagePace = wholePace,
): Promise<{ roles: number; denials: number }> {
  let done = 0;
  let denials = 0;
  for (const [i, role] of roles.entries()) {
    if (i > 0) await pace.pause();
    const n = await store.write(() => {
      if (!store.analysis.hasIncidents(role)) return -1;
      const all = store.analysis.ofRole(role);
      const write = store.analysis.begin({ replacing: role });
      write.add(analyseAll(all, catalog));
      write.finish();
      return all.length;
    });
    store.catalog.settle(role);
    if (n < 0) continue;
    done++;
    denials += n;
  }
  return { roles: done, denials };
}
