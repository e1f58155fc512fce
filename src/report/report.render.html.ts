import { kindColour, kindColourCss } from "./report.colours.js";
import type { DenialChart, KindGroup, LeastPrivilegeReport, RoleReport } from "./report.schemas.js";

/**
 * The report as HTML. `renderHtml` makes one self-contained page (inline CSS and SVG, no script, no external asset,
 * so it opens from a mail attachment or an S3 link and prints the same); the console shows the same sections inside
 * its own page, with `reportCss` served as a file (its Content-Security-Policy allows no inline style). Nothing here
 * uses a style attribute: kind colours are classes, chart geometry is SVG attributes.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The report's styles; colours are variables so that a dark scheme (the console's) can redefine them. */
export const reportCss = `
.report{--r-fg:var(--fg,#1f2937);--r-muted:var(--muted,#4b5563);--r-line:var(--line,#e5e7eb);--r-warn:var(--warn,#92400e);--r-code:var(--code,#f3f4f6);--r-head:var(--head,#f9fafb);--r-up:var(--up,#b91c1c);--r-down:var(--down,#15803d)}
.report h1{font-size:1.5rem;margin:.2rem 0}.report h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--r-line);padding-bottom:.2rem}
.report h3{font-size:1.05rem;margin:0 0 .3rem;overflow-wrap:anywhere}.report h3 .account{font-weight:400;color:var(--r-muted);font-size:.9rem}
.report .muted{color:var(--r-muted)}.report .small{font-size:.875rem}
.report code,.report pre{font:.875em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--r-code);border-radius:3px}
.report code{padding:0 .2rem;overflow-wrap:anywhere}
.report pre{padding:.6rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.report .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
.report table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
.report th,.report td{border-bottom:1px solid var(--r-line);padding:.3rem .5rem;text-align:left;vertical-align:top}
.report th{font-weight:600;background:var(--r-head)}
.report td.n,.report th.n{text-align:right;font-variant-numeric:tabular-nums}
.report .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;margin:.5rem 0}
.report .card{border:1px solid var(--r-line);border-radius:6px;padding:.5rem .7rem}
.report .card b{display:block;font-size:1.4rem}
.report .delta-up{color:var(--r-up)}.report .delta-down{color:var(--r-down)}
.report .role{border:1px solid var(--r-line);border-radius:6px;padding:.8rem;margin:.8rem 0;break-inside:avoid-page}
.report .badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.8rem;background:var(--r-code);margin-right:.3rem}
.report .badge.warn{color:var(--r-warn)}
.report .note{border-left:4px solid var(--r-warn);padding:.3rem .7rem;background:var(--r-code)}
.report ul.findings{padding-left:1.1rem}.report ul.findings li{margin:.3rem 0}
.report .warning{color:var(--r-warn);font-weight:600}
.report .legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.875rem;margin:.3rem 0}
.report .legend i,.report .swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.1rem;background:var(--k)}
.report .chart{display:grid;grid-template-columns:auto 1fr;gap:0 .4rem;margin:.5rem 0;font-size:.875rem;color:var(--r-muted)}
.report .chart-y{display:flex;flex-direction:column;justify-content:space-between;text-align:right;height:12rem;line-height:1;font-variant-numeric:tabular-nums}
.report .chart-bars{display:block;width:100%;height:12rem;border-bottom:1px solid var(--r-muted)}
.report .chart-x{grid-column:2;display:flex;font-variant-numeric:tabular-nums}
.report .chart-x span{flex:1 1 0;text-align:center;min-width:0;white-space:nowrap}
${kindColourCss}
@media (max-width:40rem){.report .role{padding:.6rem}.report th,.report td{padding:.25rem .35rem}.report .chart-y,.report .chart-bars{height:9rem}}
@media print{.report .role{border-color:#999}.report pre{white-space:pre-wrap;background:none;border:1px solid #ccc}.report .scroll{overflow:visible}.report h2{break-after:avoid}}
`;

/** What the standalone page adds around the report's own styles. */
const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#fff}
@media (max-width:40rem){body{padding:.6rem;font-size:14px}}
@media print{body{max-width:none;padding:0;font-size:11pt}a{color:inherit}}
`;

/**
 * Denials per day, stacked by kind. The bars are an SVG stretched to the width (preserveAspectRatio none) while
 * every label is HTML text beside it, so labels stay the size of the page's text at any width: text inside a
 * scaled SVG shrank to 9 px on a phone and grew to 29 px on a wide screen.
 */
function chartHtml(chart: DenialChart): string {
  if (chart.kinds.length === 0) return `<p class="muted">No denials in the window.</p>`;
  const slot = 10;
  const barW = 7;
  const totals = chart.counts.map((row) => row.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const parts: string[] = [];
  for (const frac of [0.5, 1])
    parts.push(
      `<line x1="0" x2="${chart.days.length * slot}" y1="${100 - frac * 100}" y2="${100 - frac * 100}" stroke="currentColor" stroke-opacity=".25" vector-effect="non-scaling-stroke"/>`,
    );
  chart.days.forEach((day, d) => {
    let y = 100;
    (chart.counts[d] ?? []).forEach((n, k) => {
      if (n === 0) return;
      const h = (n / max) * 100;
      y -= h;
      const kind = chart.kinds[k] ?? "";
      parts.push(
        `<rect x="${d * slot + (slot - barW) / 2}" y="${y.toFixed(2)}" width="${barW}" height="${h.toFixed(2)}" fill="${kindColour(kind)}"><title>${esc(day)} ${esc(kind)}: ${n}</title></rect>`,
      );
    });
  });
  const labelEvery = Math.ceil(chart.days.length / 7);
  const xLabels = chart.days
    .map((day, d) => `<span>${d % labelEvery === 0 ? esc(day.slice(5)) : ""}</span>`)
    .join("");
  const legend = chart.kinds.map((k) => `<span><i class="k-${esc(k)}"></i>${esc(k)}</span>`).join("");
  return `<div class="chart"><div class="chart-y" aria-hidden="true"><span>${max}</span><span>${Math.round(max / 2)}</span><span>0</span></div><svg class="chart-bars" viewBox="0 0 ${chart.days.length * slot} 100" preserveAspectRatio="none" role="img" aria-label="Denials per day per kind, at most ${max} a day">${parts.join("")}</svg><div class="chart-x" aria-hidden="true">${xLabels}</div></div><div class="legend">${legend}</div>`;
}

function resources(list: { resource: string; count: number }[]): string {
  if (list.length === 0) return `<span class="muted">(none named)</span>`;
  const shown = list.slice(0, 3).map((r) => `<code>${esc(r.resource)}</code> ×${r.count}`);
  return (
    shown.join("<br>") + (list.length > 3 ? `<br><span class="muted">+${list.length - 3} more</span>` : "")
  );
}

function tableHtml(header: string[], rows: string[][], numeric: number[] = []): string {
  const th = header.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ""}>${esc(h)}</th>`).join("");
  const trs = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ""}>${c}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table></div>`;
}

/** The role's name: the last segment of its ARN (paths and SSO prefixes make full ARNs unreadable in a table). */
const shortName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1) || arn;

/** Role × action changes as one row per role: the name and its actions. */
function byRoleRows(rows: { roleArn: string; action: string; count: number }[]): string[][] {
  const grouped = new Map<string, string[]>();
  for (const r of rows) grouped.set(r.roleArn, [...(grouped.get(r.roleArn) ?? []), r.action]);
  return [...grouped].map(([arn, actions]) => [
    `<span title="${esc(arn)}">${esc(shortName(arn))}</span>`,
    actions.map((a) => `<code>${esc(a)}</code>`).join(" "),
  ]);
}

const codes = (list: string[], max: number) =>
  list
    .slice(0, max)
    .map((a) => `<code>${esc(a)}</code>`)
    .join(" ") + (list.length > max ? ` +${list.length - max} more` : "");

/** The anchor of a role's section: its ARN, which is unique in a report. */
export function roleAnchor(roleArn: string): string {
  return `role-${roleArn.replace(/[^A-Za-z0-9_.:-]/g, "_")}`;
}

function roleHeader(r: RoleReport): string {
  const warn = r.findings.some((f) => f.severity === "warning");
  const badges = [
    ...r.kinds.map((k) => `<span class="badge"><i class="swatch k-${esc(k)}"></i>${esc(k)}</span>`),
    r.dualUse ? '<span class="badge warn">dual use</span>' : "",
    r.idle ? '<span class="badge">idle</span>' : "",
    warn ? '<span class="badge warn">warnings</span>' : "",
  ].join("");
  const findings = r.findings.map(
    (f) =>
      `<li><span class="${f.severity === "warning" ? "warning" : ""}">${esc(f.title)}</span> <span class="muted small">(${esc(f.code)})</span><br><span class="small">${esc(f.detail)}</span>${
        f.actions.length ? `<br><span class="small">${codes(f.actions, 10)}</span>` : ""
      }</li>`,
  );
  return [
    `<h3>${esc(r.roleName)} <span class="account">account ${esc(r.accountId)}</span></h3>`,
    `<div class="small">${badges} <span class="muted">confidence ${r.confidence.toFixed(2)} · ${r.calls} calls · ${r.denials} denials${r.noiseDenials ? ` (and ${r.noiseDenials} noise)` : ""}</span></div>`,
    `<div class="small muted"><code>${esc(r.roleArn)}</code></div>`,
    findings.length ? `<ul class="findings">${findings.join("")}</ul>` : "",
  ].join("\n");
}

function roleActivity(r: RoleReport): string {
  const used = r.used.length
    ? tableHtml(
        ["Action", ...(r.dualUse ? ["As"] : []), "Calls", "Errors", "Resources"],
        r.used.map((u) => [
          `<code>${esc(u.action)}</code>`,
          ...(r.dualUse ? [esc(u.actingAs)] : []),
          String(u.calls),
          String(u.errors),
          resources(u.resources),
        ]),
        r.dualUse ? [2, 3] : [1, 2],
      )
    : `<p class="muted small">No calls in the window.</p>`;
  const denied = r.denied.length
    ? tableHtml(
        ["Action", "Count", "Denied by", "Fix here", "Policy model (latest)", "Resources"],
        r.denied.map((d) => [
          `<code>${esc(d.action)}</code>`,
          String(d.count),
          esc(d.deniedBy.join(", ")),
          d.identityFix ? "yes" : "no, change the denying policy",
          d.model === null
            ? `<span class="muted">not evaluated</span>`
            : `${esc(d.model.summary)}${d.model.verified === null ? "" : `<br><span class="small">fix: ${esc(d.model.verified)}</span>`}`,
          resources(d.resources),
        ]),
        [1],
      )
    : `<p class="muted small">No denials in the window.</p>`;
  return `<h4>Used</h4>\n${used}\n<h4>Denied</h4>\n${denied}`;
}

function roleGranted(r: RoleReport): string {
  const out = [
    `<h4>Granted <span class="badge">${esc(r.granted.status)}</span></h4><p class="small">${esc(r.granted.note)}</p>`,
  ];
  if (r.granted.policies.length)
    out.push(
      `<ul class="small">${r.granted.policies
        .map(
          (p) =>
            `<li>${esc(p.name)} <span class="muted">(${esc(p.source)}${p.versionId ? ` ${esc(p.versionId)}` : ""}${p.known ? "" : `, contents unknown: ${esc(p.unknown ?? "")}`}${p.from ? `, from ${esc(p.from)}` : ""})</span></li>`,
        )
        .join("")}</ul>`,
    );
  if (r.granted.wildcards.length)
    out.push(
      `<p class="small">Wildcards: ${r.granted.wildcards.map((w) => `<code>${esc(w.pattern)}</code> → ${w.actions} actions`).join(", ")}</p>`,
    );
  if (r.granted.unusedPatterns.length)
    out.push(
      `<p class="small">Granted but unused (${r.granted.unused.actions} of ${r.granted.grantedActions} actions): ${codes(r.granted.unusedPatterns, 15)}</p>`,
      `<ul class="small">${r.granted.unused.byService
        .slice(0, 15)
        .map(
          (s) =>
            `<li>${esc(s.service)}: ${s.unused} of ${s.granted} unused${s.unused > s.actions.length ? "" : `: ${codes(s.actions, 20)}`}</li>`,
        )
        .join(
          "",
        )}${r.granted.unused.services > 15 ? `<li>+${r.granted.unused.services - 15} more services</li>` : ""}</ul>`,
    );
  if (r.granted.unknowns.length)
    out.push(`<p class="small muted">Unknown to the policy model: ${esc(r.granted.unknowns.join("; "))}</p>`);
  return out.join("\n");
}

/** The recommended policy of a role, with placeholders, exclusions and the split for dual-use roles. */
export function recommendedPolicyHtml(r: RoleReport): string {
  if (r.policy.changeInstead !== null)
    return `<p class="small">No recommended policy: ${esc(r.policy.changeInstead)}</p>`;
  if (!r.policy.document.Statement.length)
    return `<p class="muted small">No recommended policy: the role did nothing that needs a permission.</p>`;
  const out = [`<h4>Recommended policy</h4><pre>${esc(JSON.stringify(r.policy.document, null, 2))}</pre>`];
  if (r.policy.placeholders.length)
    out.push(
      `<p class="small">Placeholders to narrow (the trail named no resource): ${r.policy.placeholders.map((p) => `<code>${esc(p)}</code>`).join(" ")}</p>`,
    );
  if (r.policy.excluded.length)
    out.push(
      `<ul class="small">${r.policy.excluded.map((e) => `<li><code>${esc(e.action)}</code> left out: ${esc(e.reason)}</li>`).join("")}</ul>`,
    );
  for (const s of r.split)
    out.push(
      `<h4>Split: policy for the ${esc(s.kind)} role</h4><pre>${esc(JSON.stringify(s.policy.document, null, 2))}</pre>`,
    );
  return out.join("\n");
}

/** One role's section: heading with its account, kinds, findings, used, denied, granted, recommended policy. */
export function roleHtml(r: RoleReport): string {
  return [
    `<section class="role" id="${esc(roleAnchor(r.roleArn))}">`,
    roleHeader(r),
    roleActivity(r),
    roleGranted(r),
    recommendedPolicyHtml(r),
    "</section>",
  ].join("\n");
}

/** The anchor of a kind's group. */
export const kindAnchor = (kind: string) => `kind-${kind.replace(/[^a-z0-9-]/g, "_")}`;

/** The per-kind groups, each with its roles. */
export function kindGroupsHtml(groups: KindGroup[]): string {
  return groups
    .map(
      (g) =>
        `<h2 id="${esc(kindAnchor(g.kind))}"><i class="swatch k-${esc(g.kind)}"></i>${esc(g.kind)} <span class="muted small">${esc(g.description)}</span></h2>\n${g.roles.map(roleHtml).join("\n")}`,
    )
    .join("\n");
}

function delta(current: number, previous: number): string {
  if (current === previous) return `<span class="muted">±0</span>`;
  const d = current - previous;
  return `<span class="${d > 0 ? "delta-up" : "delta-down"}">${d > 0 ? "+" : ""}${d}</span>`;
}

function comparisonHtml(report: LeastPrivilegeReport): string {
  const c = report.comparison;
  const sizeRows = (rows: { roleArn: string; before: number; after: number }[]) =>
    rows.map((r) => [
      `<span title="${esc(r.roleArn)}">${esc(shortName(r.roleArn))}</span>`,
      String(r.before),
      String(r.after),
    ]);
  const body = [
    `<h2 id="week-over-week">Week over week</h2>`,
    `<div class="cards">
<div class="card">Denials<b>${c.denials.current}</b>${delta(c.denials.current, c.denials.previous)} <span class="muted small">vs ${c.denials.previous}</span></div>
<div class="card">Active roles<b>${c.activeRoles.current}</b>${delta(c.activeRoles.current, c.activeRoles.previous)} <span class="muted small">vs ${c.activeRoles.previous}</span></div>
<div class="card">New denials<b>${c.newDenials.length}</b><span class="muted small">role × action</span></div>
<div class="card">New actions used<b>${c.newActions.length}</b><span class="muted small">role × action</span></div>
<div class="card">Roles grew / shrank<b>${c.grew.length} / ${c.shrank.length}</b><span class="muted small">actions used</span></div>
</div>`,
  ];
  if (c.denials.previous === 0 && c.activeRoles.previous === 0) {
    body.push(
      `<p class="small muted">No data in the previous window: every denial and action below is new.</p>`,
    );
    return body.join("\n");
  }
  if (c.newDenials.length)
    body.push(`<h4>New denials</h4>${tableHtml(["Role", "Actions"], byRoleRows(c.newDenials))}`);
  if (c.newActions.length)
    body.push(`<h4>New actions used</h4>${tableHtml(["Role", "Actions"], byRoleRows(c.newActions))}`);
  if (c.grew.length)
    body.push(`<h4>Roles that grew</h4>${tableHtml(["Role", "Before", "After"], sizeRows(c.grew), [1, 2])}`);
  if (c.shrank.length)
    body.push(
      `<h4>Roles that shrank</h4>${tableHtml(["Role", "Before", "After"], sizeRows(c.shrank), [1, 2])}`,
    );
  return body.join("\n");
}

export const reportTitle = (report: LeastPrivilegeReport) =>
  `Least-privilege report, ${report.window.from} to ${report.window.to}`;

/** The heading, the window's note, week over week, the summary, the chart and the warnings. */
export function reportOverviewHtml(report: LeastPrivilegeReport): string {
  const { window: w, comparison: c, summary: s } = report;
  const warnings = report.groups.flatMap((g) =>
    g.roles.flatMap((r) => r.findings.filter((f) => f.severity === "warning").map((f) => ({ r, f }))),
  );
  return [
    `<header><h1>${esc(reportTitle(report))}</h1><p class="muted small">${w.days} day${w.days === 1 ? "" : "s"}, UTC, ${
      report.role ? `role <code>${esc(report.role)}</code>` : "all roles"
    }. Compared with ${esc(c.previous.from)} to ${esc(c.previous.to)}.</p>${
      report.windowNote ? `<p class="note small" role="note">${esc(report.windowNote)}</p>` : ""
    }</header>`,
    comparisonHtml(report),
    `<h2 id="summary">Summary</h2>`,
    `<div class="cards">
<div class="card">Roles<b>${s.roles}</b></div><div class="card">Active<b>${s.activeRoles}</b></div>
<div class="card">Idle<b>${s.idleRoles}</b></div><div class="card">Grants unknown<b>${s.grantsUnknown}</b></div>
<div class="card">Actions used<b>${s.actionsUsed}</b></div>
<div class="card">Denials<b>${s.denials}</b></div><div class="card">Warnings<b>${s.warnings}</b></div></div>`,
    `<h2 id="chart">Denials per day and kind</h2>${chartHtml(report.chart)}`,
    `<h2 id="warnings">Warnings</h2>`,
    warnings.length
      ? `<ul>${warnings.map(({ r, f }) => `<li><b>${esc(r.roleName)}</b> <span class="muted small">(${esc(r.kind)}, account ${esc(r.accountId)})</span>: ${esc(f.title)}</li>`).join("")}</ul>`
      : `<p class="muted">None.</p>`,
  ].join("\n");
}

/** Findings on task definitions and services; variable names only, never their values. */
export function reportTasksHtml(report: LeastPrivilegeReport): string {
  const { findings, unknown } = report.tasks;
  const items = [
    ...findings.map((f) => {
      const where = [f.taskDefinition, f.service ? `service ${f.service}` : null].filter(Boolean).join(", ");
      return `<li><span class="${f.severity === "warning" ? "warning" : ""}">${esc(f.title)}</span> <span class="muted small">(${esc(f.code)}, ${esc(where)})</span>${f.roleArn ? ` <code>${esc(f.roleArn)}</code>` : ""}<br><span class="small">${esc(f.detail)}</span></li>`;
    }),
    ...unknown.map((u) => `<li class="small muted">Unknown: ${esc(u)}</li>`),
  ];
  return `<h2 id="tasks">Task definitions and ECS Exec</h2>${items.length ? `<ul class="findings">${items.join("")}</ul>` : `<p class="muted">None.</p>`}`;
}

export function reportCaveatsHtml(report: LeastPrivilegeReport): string {
  return `<h2 id="caveats">What the trail cannot tell</h2><ul class="small">${report.caveats.map((cv) => `<li>${esc(cv.text)}</li>`).join("")}</ul>`;
}

/** The text of the report page's one `<style>` element: the security headers allow it by its hash. */
export const reportPageStyle = `${PAGE_CSS}${reportCss}`;

/** The report as a self-contained HTML page. */
export function renderHtml(report: LeastPrivilegeReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(reportTitle(report))}</title>
<style>${reportPageStyle}</style>
</head>
<body class="report">
${reportOverviewHtml(report)}
${reportTasksHtml(report)}
${kindGroupsHtml(report.groups)}
${reportCaveatsHtml(report)}
</body>
</html>
`;
}
