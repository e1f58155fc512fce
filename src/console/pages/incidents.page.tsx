import type { FC } from "hono/jsx";
import { ROLE_KINDS } from "../../classify/kinds.js";
import { deniedByTypes } from "../../cloudtrail/access-denied.js";
import {
  denialPath,
  incidentPath,
  KindBadge,
  rolePath,
  Sparkline,
  shortName,
  Time,
  utc,
} from "../components/bits.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { IncidentsQuery } from "../console.schemas.js";
import { WINDOWS } from "../console.schemas.js";
import type { IncidentItem, IncidentsView } from "../console.usecases.js";

const WINDOW_LABELS: Record<keyof typeof WINDOWS, string> = {
  "1h": "last hour",
  "24h": "last 24 hours",
  "7d": "last 7 days",
  "30d": "last 30 days",
  all: "all time",
};

/** The find fields: what on-call has in hand, the API's find parameters, each with its label and an example. */
const FIND_FIELDS = [
  ["session", "Task ID or session", "task ID or ARN"],
  ["taskDefinition", "Task definition", "checkout:7"],
  ["service", "Service", "name or ARN"],
  ["cluster", "Cluster", "name or ARN"],
  ["q", "Text", "message, role, resource"],
] as const;
const FIND_KEYS = FIND_FIELDS.map(([key]) => key);

/** The filters as a query string, for the next page's link (same filters, next cursor). */
function queryString(q: IncidentsQuery, cursor: string | null): string {
  const params = new URLSearchParams();
  if (q.window !== "all") params.set("window", q.window);
  if (q.kind) params.set("kind", q.kind);
  if (q.account) params.set("account", q.account);
  if (q.action) params.set("action", q.action);
  if (q.noise) params.set("noise", q.noise);
  for (const key of FIND_KEYS) {
    const value = q[key];
    if (value) params.set(key, value);
  }
  if (cursor) params.set("cursor", cursor);
  const s = params.toString();
  return s ? `/?${s}` : "/";
}

const Filters: FC<{ q: IncidentsQuery }> = ({ q }) => (
  <form class="filters" method="get" action="/" aria-label="Filter incidents">
    <label>
      Time window
      <select name="window">
        {Object.keys(WINDOWS).map((w) => (
          <option value={w} selected={q.window === w}>
            {WINDOW_LABELS[w as keyof typeof WINDOWS]}
          </option>
        ))}
      </select>
    </label>
    <label>
      Kind
      <select name="kind">
        <option value="">any kind</option>
        {ROLE_KINDS.map((k) => (
          <option value={k} selected={q.kind === k}>
            {k}
          </option>
        ))}
      </select>
    </label>
    <label>
      Account
      <input name="account" inputmode="numeric" placeholder="123456789012" value={q.account ?? ""} />
    </label>
    <label>
      Action
      <input name="action" placeholder="s3:GetObject" value={q.action ?? ""} />
    </label>
    {FIND_FIELDS.map(([key, label, example]) => (
      <label>
        {label}
        <input name={key} placeholder={example} value={q[key] ?? ""} />
      </label>
    ))}
    <label class="check">
      <input type="checkbox" name="noise" value="on" checked={q.noise === "on"} />
      Include noise
    </label>
    <button type="submit" class="btn primary">
      Apply
    </button>
    <a href="/">Clear</a>
  </form>
);

const Row: FC<{ item: IncidentItem }> = ({ item }) => {
  const { row, latest } = item;
  const roleArn = row.roleArn ?? row.principalArn;
  return (
    <tr>
      <td data-label="Role">
        <a class="role-name" href={rolePath(roleArn)}>
          {shortName(roleArn)}
        </a>{" "}
        <KindBadge kind={latest?.principal.kind ?? "unknown"} confidence={latest?.principal.confidence} />
        <div class="small muted">{row.accountId}</div>
      </td>
      <td data-label="Denied">
        <a href={denialPath(row.latestEventId)}>
          <code>{row.action || "unknown action"}</code>
        </a>
        {row.resourcePattern ? (
          <div class="small">
            on <code>{row.resourcePattern}</code>
          </div>
        ) : null}
        <div class="small">
          <a href={incidentPath(row.id)}>incident</a>
          {row.noise ? <span class="badge"> noise</span> : null}
        </div>
      </td>
      <td data-label="Denied by">
        <span title={deniedByTypes[row.deniedBy as keyof typeof deniedByTypes] ?? row.deniedBy}>
          {row.deniedBy}
        </span>
      </td>
      <td data-label="Count" class="n">
        {row.count.toLocaleString("en-US")}
      </td>
      <td data-label="Seen" class="small">
        <div>
          last <Time ms={row.lastSeen} />
        </div>
        <div class="muted">
          first <Time ms={row.firstSeen} />
        </div>
      </td>
      <td data-label="24 h">
        <Sparkline counts={item.hourly} />
      </td>
    </tr>
  );
};

/** The refreshable part: the list, its note and the next-page link. */
export const IncidentList: FC<{ view: IncidentsView; q: IncidentsQuery }> = ({ view, q }) => (
  <section id="incidents" data-refresh aria-label="Incidents">
    {view.quietSince !== null ? (
      <p class="note small">
        No denial in the last 24 hours: the newest is from <Time ms={view.quietSince} />, so the sparklines
        show the 24 hours up to {utc(view.asOf)}.
      </p>
    ) : null}
    {view.items.length === 0 ? (
      <p>No incidents match these filters.</p>
    ) : (
      <table class="list">
        <caption class="sr-only">Incidents, most recently active first</caption>
        <colgroup>
          <col class="c-role" />
          <col class="c-what" />
          <col class="c-policy" />
          <col class="c-count" />
          <col class="c-seen" />
          <col class="c-spark" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Denied</th>
            <th scope="col">Denied by</th>
            <th scope="col" class="n">
              Count
            </th>
            <th scope="col">Seen</th>
            <th scope="col">24 h</th>
          </tr>
        </thead>
        <tbody>
          {view.items.map((item) => (
            <Row item={item} />
          ))}
        </tbody>
      </table>
    )}
    {view.nextCursor ? (
      <p class="pager">
        <a href={queryString(q, view.nextCursor)}>Older incidents</a>
      </p>
    ) : null}
  </section>
);

export const IncidentsPage: FC<{ view: IncidentsView; q: IncidentsQuery; chrome: PageChrome }> = ({
  view,
  q,
  chrome,
}) => (
  <Layout title="Incidents" chrome={chrome}>
    <h1>Incidents</h1>
    <p class="muted small">
      Denials grouped by role, action, resource and denying policy; the most recently active first.
    </p>
    <Filters q={q} />
    <div class="refresh">
      <button type="button" class="btn" id="refresh-toggle" aria-pressed="false" hidden>
        Auto-refresh: off
      </button>
      <span id="refresh-status" class="status muted" aria-live="polite" />
    </div>
    <IncidentList view={view} q={q} />
  </Layout>
);
