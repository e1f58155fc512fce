import { bodyRecords } from "../cloudtrail/normalise.js";
import type { Db } from "../db/client.js";
import { getDenial, getIncident } from "../db/denials.repository.js";
import type { DenialRow, IncidentRow } from "../db/schema.js";
import type { Explanation } from "../explain/explain.js";
import { lazyCatalogLookup } from "../pipeline/catalog.js";
import { explainGivenRecords } from "../pipeline/explain-records.js";
import { explainStoredDenial } from "../pipeline/explanations.js";
import type { PolicyView } from "../policy/index.js";
import { isJsonObject } from "../shared/json.js";
import {
  buildDenialMessage,
  type DenialMessageInput,
  explanationLinks,
  type IncidentStats,
} from "./blocks.js";
import type { EnrichedMessage, EnrichSkip } from "./slack.schemas.js";

export type EnrichResult =
  | { kind: "messages"; messages: EnrichedMessage[]; skipped: EnrichSkip[] }
  | { kind: "not_found"; eventId: string };

export function storedStats(row: IncidentRow): IncidentStats {
  return { id: row.id, count: row.count, firstSeen: row.firstSeen, lastSeen: row.lastSeen, scope: "stored" };
}

/**
 * The message for a denial stored in the database, with its stored incident; with the policy model, its deciding
 * statement too.
 */
export function messageForStoredDenial(
  db: Db,
  row: DenialRow,
  publicUrl: string | undefined,
  { policies, ...extra }: Pick<DenialMessageInput, "repeat"> & { policies?: PolicyView | undefined } = {},
): EnrichedMessage {
  const explanation = explainStoredDenial(row, lazyCatalogLookup(db), policies);
  const incident = getIncident(db, explanation.incidentId);
  return toMessage(explanation, incident ? storedStats(incident) : null, publicUrl, extra);
}

function toMessage(
  explanation: Explanation,
  incident: IncidentStats | null,
  publicUrl: string | undefined,
  extra: Pick<DenialMessageInput, "repeat"> = {},
): EnrichedMessage {
  const message = buildDenialMessage({
    explanation,
    incident,
    links: explanationLinks(
      publicUrl,
      explanation.eventId,
      incident?.scope === "stored" ? incident.id : null,
    ),
    ...extra,
  });
  return { ...message, incidentId: explanation.incidentId, eventId: explanation.eventId };
}

/**
 * Turns an alert into Slack messages: `{"eventId": …}` of a stored denial, one CloudTrail record, one EventBridge
 * event, an array of either, or a log-file body `{"Records": […]}`. Records of one incident make one message (an
 * alert storm is one message); records that are not denials are skipped with a reason. Reads only.
 */
export function enrichAlert(
  db: Db,
  body: unknown,
  publicUrl: string | undefined,
  policies?: PolicyView,
): EnrichResult {
  if (isJsonObject(body) && typeof body.eventId === "string" && !("eventName" in body)) {
    const row = getDenial(db, body.eventId);
    if (!row) return { kind: "not_found", eventId: body.eventId };
    return {
      kind: "messages",
      messages: [messageForStoredDenial(db, row, publicUrl, { policies })],
      skipped: [],
    };
  }
  const catalog = lazyCatalogLookup(db);
  const skipped: EnrichSkip[] = [];
  const groups = new Map<string, { explanation: Explanation; count: number; first: number; last: number }>();
  for (const given of explainGivenRecords(bodyRecords(body), catalog, policies)) {
    const { position } = given;
    if ("rejection" in given) {
      skipped.push({ position, reason: "record.invalid", detail: given.rejection.detail });
      continue;
    }
    const { record, explanation } = given;
    if (!explanation) {
      skipped.push({
        position,
        reason: "record.not_denial",
        detail: `${record.eventID}: ${record.eventName} was not denied`,
      });
      continue;
    }
    const at = Date.parse(record.eventTime);
    const g = groups.get(explanation.incidentId);
    if (!g) groups.set(explanation.incidentId, { explanation, count: 1, first: at, last: at });
    else {
      g.count++;
      g.first = Math.min(g.first, at);
      if (at >= g.last) {
        g.last = at;
        g.explanation = explanation;
      }
    }
  }
  const messages = [...groups.values()].map((g) => {
    const stored = getIncident(db, g.explanation.incidentId);
    const stats: IncidentStats = stored
      ? storedStats(stored)
      : {
          id: g.explanation.incidentId,
          count: g.count,
          firstSeen: g.first,
          lastSeen: g.last,
          scope: "alert",
        };
    return toMessage(g.explanation, stats, publicUrl);
  });
  return { kind: "messages", messages, skipped };
}
