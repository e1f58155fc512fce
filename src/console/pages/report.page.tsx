import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { ROLE_KINDS } from "../../classify/kinds.js";
import {
  kindAnchor,
  kindGroupsHtml,
  reportCaveatsHtml,
  reportOverviewHtml,
  roleAnchor,
} from "../../report/report.render.html.js";
import type { KindGroup, LeastPrivilegeReport } from "../../report/report.schemas.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { ReportPageQuery } from "../console.schemas.js";

/** The groups and roles the filter keeps: one kind, and roles whose name or ARN holds the text (any case). */
export function filterGroups(groups: KindGroup[], q: ReportPageQuery): KindGroup[] {
  const text = q.role?.toLowerCase();
  return groups
    .filter((g) => !q.kind || g.kind === q.kind)
    .map((g) => ({
      ...g,
      roles: text
        ? g.roles.filter((r) => `${r.roleName} ${r.roleArn}`.toLowerCase().includes(text))
        : g.roles,
    }))
    .filter((g) => g.roles.length > 0);
}

const Filter: FC<{ report: LeastPrivilegeReport; q: ReportPageQuery }> = ({ report, q }) => (
  <form class="filters" method="get" action="/report" aria-label="Filter the report">
    <label>
      From
      <input name="from" type="date" value={q.from ?? report.window.from} />
    </label>
    <label>
      To
      <input name="to" type="date" value={q.to ?? report.window.to} />
    </label>
    <label>
      Kind
      <select name="kind">
        <option value="">every kind</option>
        {ROLE_KINDS.map((k) => (
          <option value={k} selected={q.kind === k}>
            {k}
          </option>
        ))}
      </select>
    </label>
    <label>
      Role name or ARN contains
      <input name="role" value={q.role ?? ""} />
    </label>
    <button type="submit" class="btn primary">
      Show
    </button>
    <a href="/report">Clear</a>
  </form>
);

/** Kinds, each folding its roles, so hundreds of roles stay one screen until opened. */
const Contents: FC<{ groups: KindGroup[] }> = ({ groups }) => (
  <nav aria-labelledby="contents">
    <h2 id="contents">Contents</h2>
    <ul class="toc">
      {groups.map((g) => (
        <li>
          <a href={`#${kindAnchor(g.kind)}`}>{g.kind}</a>
          <details>
            <summary>
              {g.roles.length} role{g.roles.length === 1 ? "" : "s"}
            </summary>
            <ul>
              {g.roles.map((r) => (
                <li>
                  <a href={`#${roleAnchor(r.roleArn)}`}>{r.roleName}</a>{" "}
                  <span class="muted small">{r.accountId}</span>
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  </nav>
);

export const ReportPage: FC<{ report: LeastPrivilegeReport; q: ReportPageQuery; chrome: PageChrome }> = ({
  report,
  q,
  chrome,
}) => {
  const groups = filterGroups(report.groups, q);
  const shown = groups.reduce((n, g) => n + g.roles.length, 0);
  const all = report.groups.reduce((n, g) => n + g.roles.length, 0);
  return (
    <Layout title="Least-privilege report" chrome={chrome}>
      <div class="report">
        {raw(reportOverviewHtml(report))}
        <Filter report={report} q={q} />
        <p class="small muted" aria-live="polite">
          Showing {shown} of {all} roles.
        </p>
        <Contents groups={groups} />
        {raw(kindGroupsHtml(groups))}
        {raw(reportCaveatsHtml(report))}
      </div>
    </Layout>
  );
};
