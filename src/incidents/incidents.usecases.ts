import { incidentList } from "../db/denial-analysis.repository.js";
import { getDenial, getIncident, listIncidents } from "../db/denials.repository.js";
import type { IncidentRow } from "../db/schema.js";
import type { DenialQuery } from "../denials/denials.schemas.js";
import { listingFilters } from "../denials/denials.usecases.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { isoTime } from "../shared/time.js";
import { IncidentNotFoundError } from "./incidents.errors.js";
import type { Incident, IncidentList } from "./incidents.schemas.js";

/** What the incident routes do: list (with the denial listing's filters) and show one, each with its latest explanation. */
export function createIncidentUsecases(deps: Pick<Deps, "db" | "explanations" | "clock">) {
  const { db, explanations, clock } = deps;
  const view = (row: IncidentRow): Incident => {
    const latest = getDenial(db, row.latestEventId);
    return {
      id: row.id,
      principalArn: row.principalArn,
      roleArn: row.roleArn,
      accountId: row.accountId,
      action: row.action,
      resourcePattern: row.resourcePattern,
      deniedBy: row.deniedBy,
      policyArn: row.policyArn,
      count: row.count,
      firstSeen: isoTime(row.firstSeen),
      lastSeen: isoTime(row.lastSeen),
      sampleEventIds: incidentList(row.sampleEventIds),
      sessions: incidentList(row.sessions),
      noise: row.noise,
      noiseReason: row.noiseReason,
      latest: latest ? explanations.explain(latest) : null,
    };
  };
  return {
    list(query: DenialQuery): IncidentList {
      explanations.sync();
      const page = listIncidents(db, listingFilters(db, query, clock.now()));
      return { incidents: page.incidents.map(view), nextCursor: page.nextCursor };
    },
    get(id: string): Incident {
      const row = getIncident(db, id);
      if (!row) throw new IncidentNotFoundError(id);
      explanations.sync();
      return view(row);
    },
  };
}
