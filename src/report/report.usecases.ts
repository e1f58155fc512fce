import { getDenial } from "../db/denials.repository.js";
import type { Store } from "../db/store.js";
import { lazyCatalogLookup } from "../pipeline/catalog.js";
import { explainStoredDenial } from "../pipeline/explanations.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import { buildReport } from "./report.build.js";
import { grantsFromModel } from "./report.granted.js";
import { renderHtml } from "./report.render.html.js";
import { renderMarkdown } from "./report.render.md.js";
import { latestActivityDay, loadReportInput } from "./report.repository.js";
import type { DenialVerdict, LeastPrivilegeReport, ReportFormat } from "./report.schemas.js";
import { resolveWindow } from "./report.window.js";

export const contentTypes: Record<ReportFormat, string> = {
  json: "application/json; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
};

export interface ReportRequest {
  from?: string | undefined;
  to?: string | undefined;
  role?: string | undefined;
}

/**
 * The policy model's verdict on a stored denial, as its explanation gives it (the deciding statement and the fix
 * evaluated again): the report shows it for the latest denial of each group, so a week costs one explanation per
 * role and action, not one per denial.
 */
function verdicts(store: Store): (eventId: string) => DenialVerdict | null {
  const catalog = lazyCatalogLookup(store.db);
  const policies = currentPolicies(store);
  return (eventId) => {
    const row = getDenial(store.db, eventId);
    const explanation = row ? explainStoredDenial(row, catalog, policies) : undefined;
    const e = explanation?.evaluation;
    if (!explanation || !e) return null;
    const { decision, decidedBy, summary, agreement } = e;
    return { decision, decidedBy, summary, agreement, verified: explanation.fix.verified };
  };
}

/**
 * Loads the window's data and builds the report. Throws WindowError for a bad window. When the reader chose no
 * window and the default one (the last 7 full days) holds nothing, the report covers the 7 days up to the latest
 * day with data instead, and says so: a first run on the bundled examples, or a store fed by a stopped source,
 * shows its data rather than an empty week.
 */
export function leastPrivilegeReport(
  store: Store,
  request: ReportRequest,
  now: number,
): LeastPrivilegeReport {
  const { db } = store;
  const role = request.role ?? null;
  const window = resolveWindow(request, now);
  const { grantsOf, roles: modelRoles } = grantsFromModel(store);
  const verdictOf = verdicts(store);
  const input = { ...loadReportInput(db, window, role), grantsOf, modelRoles, verdictOf };
  const chosen = request.from !== undefined || request.to !== undefined;
  if (chosen || input.usage.length > 0 || input.denials.length > 0) return buildReport(input);
  const empty = `The last ${window.current.days} days (${window.current.from} to ${window.current.to}) hold no data`;
  const latest = latestActivityDay(db, role);
  if (latest === null)
    return buildReport({ ...input, windowNote: `${empty}, and neither does any earlier day.` });
  const fallback = resolveWindow({ to: latest }, now);
  return buildReport({
    ...loadReportInput(db, fallback, role),
    grantsOf,
    modelRoles,
    verdictOf,
    windowNote: `${empty}: this is the latest week with data, ${fallback.current.from} to ${fallback.current.to}.`,
  });
}

/** The report in a format, as text. */
export function renderReport(report: LeastPrivilegeReport, format: ReportFormat): string {
  if (format === "md") return renderMarkdown(report);
  if (format === "html") return renderHtml(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}

const MEDIA: Record<string, ReportFormat> = {
  "application/json": "json",
  "text/markdown": "md",
  "text/x-markdown": "md",
  "text/html": "html",
};

/**
 * The format an Accept header asks for: the supported media type with the highest q (earliest on ties); JSON
 * when the header is absent, a wildcard, or names nothing we serve.
 */
export function negotiateFormat(accept: string | undefined): ReportFormat {
  if (!accept) return "json";
  let best: { format: ReportFormat; q: number } | undefined;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const format = MEDIA[type];
    if (format && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? "json";
}
