import type { RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import { type ParsedDenialMessage, parseAccessDenied } from "../cloudtrail/access-denied.js";
import {
  denialsPerHour,
  latestDenialTime,
  type RoleUsage,
  sessionsOfRole,
  usageOfRole,
} from "../db/activity.repository.js";
import { createDenialPages, type DenialPages } from "../db/denial-pages.repository.js";
import { getDenial, getIncident, listIncidents } from "../db/denials.repository.js";
import type { DenialRow, IncidentRow, RoleSessionRow } from "../db/schema.js";
import type { Explanation } from "../explain/explain.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { resolveFindFilters } from "../pipeline/find-filters.js";
import type { LeastPrivilegeReport, RoleReport } from "../report/report.schemas.js";
import { leastPrivilegeReport } from "../report/report.usecases.js";
import { findRole } from "../roles/roles.usecases.js";
import { incidentsOfPrincipal, rolesNamed } from "../slack/slack.repository.js";
import { type IncidentsQuery, type ReportPageQuery, WINDOWS } from "./console.schemas.js";

/**
 * What each console page shows, read through the same store functions and explanation cache as the JSON API
 * (listIncidents, getDenial, getIncident, the catalogue lookups, the report service), so a page never says other
 * than the API. The only module of the console that touches the store.
 */

const HOUR_MS = 3_600_000;
const PAGE_SIZE = 50;

export interface IncidentItem {
  row: IncidentRow;
  /** The latest denial's explanation, as GET /v1/incidents gives it. */
  latest: Explanation | null;
  /** Denials per hour over the 24 hours ending at the list's `asOf`. */
  hourly: number[];
}

export interface IncidentsView {
  items: IncidentItem[];
  nextCursor: string | null;
  /** The end of the sparklines' 24 hours: now, or the newest denial's hour when nothing happened in the last day. */
  asOf: number;
  /** Set when the sparklines end at the newest denial rather than now. */
  quietSince: number | null;
}

export interface DenialView {
  row: DenialRow;
  explanation: Explanation;
  /** The raw CloudTrail record, pretty-printed. */
  raw: string;
  incident: IncidentRow | null;
  /** The catalogue entry of the role to change (or, failing that, of the denied role): its evidence. */
  role: RoleCatalogEntry | null;
}

export interface IncidentView {
  row: IncidentRow;
  latest: Explanation | null;
  /** Its newest denials. */
  denials: DenialRow[];
}

export interface RoleView {
  arn: string;
  entry: RoleCatalogEntry | null;
  sessions: RoleSessionRow[];
  usage: RoleUsage[];
  incidents: IncidentRow[];
  /** The role in the least-privilege report of the default window (with its note when that window moved). */
  report: { role: RoleReport | null; window: LeastPrivilegeReport["window"]; note: string | null };
}

export type SearchResult =
  | { kind: "go"; location: string }
  | { kind: "message"; parsed: ParsedDenialMessage; role: RoleCatalogEntry | null; incidents: IncidentRow[] }
  | { kind: "roles"; roles: RoleCatalogEntry[] }
  | { kind: "none" };

const rolePath = (arn: string) => `/roles?arn=${encodeURIComponent(arn)}`;

/** A pasted message rather than an id or a name: AWS's error sentences have spaces and say what failed. */
const looksLikeMessage = (q: string) =>
  /\s/.test(q) && /not authorized|access ?denied|is not allowed|unauthorized|forbidden/i.test(q);

interface Ctx {
  deps: Deps;
  explanations: Deps["explanations"];
  pages: DenialPages;
}

function explainLatest(ctx: Ctx, eventId: string): Explanation | null {
  const row = getDenial(ctx.deps.db, eventId);
  return row ? ctx.explanations.explain(row) : null;
}

/** A role or session ARN → its catalogue entry, as GET /v1/roles/lookup finds it. */
function lookupRole(ctx: Ctx, arn: string): RoleCatalogEntry | null {
  return findRole(ctx.deps.db, arn);
}

/** A cursor the console did not issue throws InvalidCursorError (an InvalidInputError: a 400 page naming it). */
function incidentPage(ctx: Ctx, q: IncidentsQuery, now: number) {
  const span = WINDOWS[q.window];
  return listIncidents(ctx.deps.db, {
    ...(span === null ? {} : { since: now - span }),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.account ? { account: q.account } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    ...resolveFindFilters(ctx.deps.db, { ...q, text: q.q }),
    includeNoise: q.noise === "on",
    limit: PAGE_SIZE,
  });
}

function incidentsView(ctx: Ctx, q: IncidentsQuery): IncidentsView {
  ctx.explanations.sync();
  const now = ctx.deps.clock.now();
  const page = incidentPage(ctx, q, now);
  const newest = latestDenialTime(ctx.deps.db);
  const quiet = newest !== null && newest < now - 24 * HOUR_MS;
  const asOf = quiet ? (Math.floor(newest / HOUR_MS) + 1) * HOUR_MS : now;
  const hourly = denialsPerHour(
    ctx.deps.db,
    page.incidents.map((i) => i.id),
    asOf,
  );
  return {
    items: page.incidents.map((row) => ({
      row,
      latest: explainLatest(ctx, row.latestEventId),
      hourly: hourly.get(row.id) ?? [],
    })),
    nextCursor: page.nextCursor,
    asOf,
    quietSince: quiet ? newest : null,
  };
}

function incidentView(ctx: Ctx, id: string): IncidentView | null {
  const row = getIncident(ctx.deps.db, id);
  if (!row) return null;
  ctx.explanations.sync();
  // The incident's newest denials, through the API's denial pages (GET /v1/denials?incident=…).
  const { eventIds } = ctx.pages.page({ incident: id, includeNoise: true }, 20, undefined);
  const byId = new Map(ctx.pages.rows(eventIds).map((r) => [r.eventId, r]));
  return {
    row,
    latest: explainLatest(ctx, row.latestEventId),
    denials: eventIds.flatMap((e) => byId.get(e) ?? []),
  };
}

function denialView(ctx: Ctx, eventId: string): DenialView | null {
  const { db } = ctx.deps;
  const row = getDenial(db, eventId);
  if (!row) return null;
  ctx.explanations.sync();
  const explanation = ctx.explanations.explain(row);
  const roleArn = explanation.fix.roleArn ?? explanation.principal.roleArn;
  let raw: string;
  try {
    raw = JSON.stringify(JSON.parse(row.raw), null, 2);
  } catch {
    raw = row.raw;
  }
  return {
    row,
    explanation,
    raw,
    incident: row.incidentId ? (getIncident(db, row.incidentId) ?? null) : null,
    role: roleArn ? lookupRole(ctx, roleArn) : null,
  };
}

function roleView(ctx: Ctx, arn: string): RoleView | null {
  const { db } = ctx.deps;
  const entry = lookupRole(ctx, arn);
  const roleArn = entry?.roleArn ?? arn;
  const incidents = incidentsOfPrincipal(db, roleArn, 50);
  if (!entry && incidents.length === 0) return null;
  const report = leastPrivilegeReport(ctx.deps.store, { role: roleArn }, ctx.deps.clock.now());
  return {
    arn: roleArn,
    entry,
    sessions: sessionsOfRole(db, roleArn),
    usage: usageOfRole(db, roleArn),
    incidents,
    report: {
      role: report.groups.flatMap((g) => g.roles).find((r) => r.roleArn === roleArn) ?? null,
      window: report.window,
      note: report.windowNote,
    },
  };
}

/** A bad window throws WindowError (an InvalidInputError: a 400 page naming the field). */
function reportView(ctx: Ctx, q: ReportPageQuery): LeastPrivilegeReport {
  return leastPrivilegeReport(ctx.deps.store, { from: q.from, to: q.to }, ctx.deps.clock.now());
}

/** An event id, a role or session ARN, a role name, or a pasted error message. */
function search(ctx: Ctx, text: string): SearchResult {
  const { db } = ctx.deps;
  const q = text.trim();
  if (!q) return { kind: "none" };
  if (looksLikeMessage(q)) {
    const parsed = parseAccessDenied(q);
    const role = parsed.principalArn ? lookupRole(ctx, parsed.principalArn) : null;
    const incidents = role
      ? incidentsOfPrincipal(db, role.roleArn, 20).filter((i) => !parsed.action || i.action === parsed.action)
      : [];
    return { kind: "message", parsed, role, incidents };
  }
  if (getDenial(db, q)) return { kind: "go", location: `/denials/${encodeURIComponent(q)}` };
  if (q.startsWith("arn:")) {
    const entry = lookupRole(ctx, q);
    if (entry) return { kind: "go", location: rolePath(entry.roleArn) };
    if (incidentsOfPrincipal(db, q, 1).length > 0) return { kind: "go", location: rolePath(q) };
    return { kind: "none" };
  }
  const roles = rolesNamed(db, q, 20);
  const only = roles[0];
  if (roles.length === 1 && only) return { kind: "go", location: rolePath(only.roleArn) };
  return roles.length > 0 ? { kind: "roles", roles } : { kind: "none" };
}

export function createConsoleUsecases(deps: Deps) {
  const ctx: Ctx = { deps, explanations: deps.explanations, pages: createDenialPages(deps.db) };
  return {
    lookupRole: (arn: string) => lookupRole(ctx, arn),
    incidents: (q: IncidentsQuery) => incidentsView(ctx, q),
    incident: (id: string) => incidentView(ctx, id),
    denial: (eventId: string) => denialView(ctx, eventId),
    role: (arn: string) => roleView(ctx, arn),
    report: (q: ReportPageQuery) => reportView(ctx, q),
    search: (text: string) => search(ctx, text),
  };
}

export type ConsoleUsecases = ReturnType<typeof createConsoleUsecases>;

/** The leading kind and confidence of a catalogue entry. */
export function leadingKind(entry: RoleCatalogEntry | null): { kind: RoleKind; confidence: number } {
  const k = entry?.kinds[0];
  return k ? { kind: k.kind, confidence: k.confidence } : { kind: "unknown", confidence: 0 };
}
