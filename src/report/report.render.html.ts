import type { DenialChart, LeastPrivilegeReport, RoleReport } from "./report.schema.js";

/**
 * The report as one self-contained HTML page: inline CSS and an inline SVG chart, no script, no external asset
 * (so it opens from a mail attachment or an S3 link and prints the same). Tables scroll sideways on a phone;
 * printing drops the colours' backgrounds, keeps roles from splitting across pages where it can.
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

/** Fixed colours per kind, distinguishable and readable in greyscale print by their order in the legend. */
const KIND_COLOURS = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#d97706",
  "#7c3aed",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#475569",
  "#ea580c",
  "#0d9488",
  "#9333ea",
  "#b45309",
  "#4f46e5",
  "#be123c",
  "#334155",
];

const CSS = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--warn:#b45309;--bg:#fff;--code:#f3f4f6}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:0 0 .3rem;word-break:break-all}
.muted{color:var(--muted)}.small{font-size:.85rem}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:3px}
code{padding:0 .2rem;word-break:break-all}
pre{padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;background:#f9fafb}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;margin:.5rem 0}
.card{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem}
.card b{display:block;font-size:1.4rem}
.delta-up{color:#b91c1c}.delta-down{color:#15803d}
.role{border:1px solid var(--line);border-radius:6px;padding:.8rem;margin:.8rem 0;break-inside:avoid-page}
.badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.8rem;background:var(--code);margin-right:.3rem}
.badge.warn{background:#fef3c7;color:var(--warn)}
ul.findings{padding-left:1.1rem}ul.findings li{margin:.3rem 0}
.warning{color:var(--warn);font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.85rem;margin:.3rem 0}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.1rem}
svg{max-width:100%;height:auto}
@media (max-width:40rem){body{padding:.6rem;font-size:14px}h1{font-size:1.25rem}.role{padding:.6rem}th,td{padding:.25rem .35rem}}
@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}.role{border-color:#999}
pre{white-space:pre-wrap;background:none;border:1px solid #ccc}.scroll{overflow:visible}a{color:inherit}}
`;

function chartSvg(chart: DenialChart): string {
  if (chart.kinds.length === 0) return `<p class="muted">No denials in the window.</p>`;
  const width = 480;
  const height = 220;
  const left = 36;
  const bottom = 28;
  const top = 10;
  const plotH = height - top - bottom;
  const totals = chart.counts.map((row) => row.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const slot = (width - left - 8) / chart.days.length;
  const barW = Math.max(4, Math.min(48, slot * 0.7));
  const parts: string[] = [];
  for (const frac of [0, 0.5, 1]) {
    const y = top + plotH - frac * plotH;
    parts.push(
      `<line x1="${left}" x2="${width - 4}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#6b7280">${Math.round(max * frac)}</text>`,
    );
  }
  const labelEvery = Math.ceil(chart.days.length / 10);
  chart.days.forEach((day, d) => {
    const x = left + slot * d + (slot - barW) / 2;
    let y = top + plotH;
    (chart.counts[d] ?? []).forEach((n, k) => {
      if (n === 0) return;
      const h = (n / max) * plotH;
      y -= h;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${KIND_COLOURS[k % KIND_COLOURS.length]}"><title>${esc(day)} ${esc(chart.kinds[k] ?? "")}: ${n}</title></rect>`,
      );
    });
    if (d % labelEvery === 0)
      parts.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="12" fill="#6b7280">${esc(day.slice(5))}</text>`,
      );
  });
  const legend = chart.kinds
    .map(
      (k, i) => `<span><i style="background:${KIND_COLOURS[i % KIND_COLOURS.length]}"></i>${esc(k)}</span>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Denials per day per kind">${parts.join("")}</svg><div class="legend">${legend}</div>`;
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

function roleHtml(r: RoleReport): string {
  const out: string[] = [];
  const warn = r.findings.some((f) => f.severity === "warning");
  out.push(`<section class="role" id="${esc(r.roleArn)}">`);
  out.push(`<h3>${esc(r.roleName)}</h3>`);
  out.push(
    `<div class="small"><span class="badge">${esc(r.kind)}</span>${r.kinds
      .slice(1)
      .map((k) => `<span class="badge">${esc(k)}</span>`)
      .join(
        "",
      )}${r.dualUse ? '<span class="badge warn">dual use</span>' : ""}${r.idle ? '<span class="badge">idle</span>' : ""}${warn ? '<span class="badge warn">warnings</span>' : ""} <span class="muted">confidence ${r.confidence.toFixed(2)} · ${r.calls} calls · ${r.denials} denials</span></div>`,
  );
  out.push(`<div class="small muted"><code>${esc(r.roleArn)}</code></div>`);
  if (r.findings.length) {
    out.push(
      `<ul class="findings">${r.findings
        .map(
          (f) =>
            `<li><span class="${f.severity === "warning" ? "warning" : ""}">${esc(f.title)}</span> <span class="muted small">(${esc(f.code)})</span><br><span class="small">${esc(f.detail)}</span>${
              f.actions.length
                ? `<br><span class="small">${f.actions
                    .slice(0, 10)
                    .map((a) => `<code>${esc(a)}</code>`)
                    .join(" ")}${f.actions.length > 10 ? ` +${f.actions.length - 10} more` : ""}</span>`
                : ""
            }</li>`,
        )
        .join("")}</ul>`,
    );
  }
  out.push("<h4>Used</h4>");
  out.push(
    r.used.length
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
      : `<p class="muted small">No calls in the window.</p>`,
  );
  out.push("<h4>Denied</h4>");
  out.push(
    r.denied.length
      ? tableHtml(
          ["Action", "Count", "Denied by", "Fix here", "Resources"],
          r.denied.map((d) => [
            `<code>${esc(d.action)}</code>`,
            String(d.count),
            esc(d.deniedBy.join(", ")),
            d.identityFix ? "yes" : "no, change the denying policy",
            resources(d.resources),
          ]),
          [1],
        )
      : `<p class="muted small">No denials in the window.</p>`,
  );
  out.push(
    `<h4>Granted <span class="badge">${esc(r.granted.status)}</span></h4><p class="small">${esc(r.granted.note)}</p>`,
  );
  if (r.granted.policies.length)
    out.push(
      `<ul class="small">${r.granted.policies
        .map(
          (p) =>
            `<li>${esc(p.name)} <span class="muted">(${esc(p.source)}${p.known ? "" : ", contents unknown"})</span></li>`,
        )
        .join("")}</ul>`,
    );
  if (r.granted.unusedPatterns.length)
    out.push(
      `<p class="small">Granted but unused (${r.granted.unusedActions.length} actions): ${r.granted.unusedPatterns
        .slice(0, 15)
        .map((p) => `<code>${esc(p)}</code>`)
        .join(
          " ",
        )}${r.granted.unusedPatterns.length > 15 ? ` +${r.granted.unusedPatterns.length - 15} more` : ""}</p>`,
    );
  if (r.policy.document.Statement.length) {
    out.push(`<h4>Recommended policy</h4><pre>${esc(JSON.stringify(r.policy.document, null, 2))}</pre>`);
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
  }
  out.push("</section>");
  return out.join("\n");
}

function delta(current: number, previous: number): string {
  if (current === previous) return `<span class="muted">±0</span>`;
  const d = current - previous;
  return `<span class="${d > 0 ? "delta-up" : "delta-down"}">${d > 0 ? "+" : ""}${d}</span>`;
}

/** The report as a self-contained HTML page. */
export function renderHtml(report: LeastPrivilegeReport): string {
  const { window: w, comparison: c, summary: s } = report;
  const title = `Least-privilege report, ${w.from} to ${w.to}`;
  const sizeRows = (rows: { roleArn: string; before: number; after: number }[]) =>
    rows.map((r) => [
      `<span title="${esc(r.roleArn)}">${esc(shortName(r.roleArn))}</span>`,
      String(r.before),
      String(r.after),
    ]);
  const firstWindow = c.denials.previous === 0 && c.activeRoles.previous === 0;
  const warnings = report.groups.flatMap((g) =>
    g.roles.flatMap((r) => r.findings.filter((f) => f.severity === "warning").map((f) => ({ r, f }))),
  );
  const body: string[] = [];
  body.push(
    `<header><h1>${esc(title)}</h1><p class="muted small">${w.days} day${w.days === 1 ? "" : "s"}, UTC, ${
      report.role ? `role <code>${esc(report.role)}</code>` : "all roles"
    }. Compared with ${esc(c.previous.from)} to ${esc(c.previous.to)}.</p></header>`,
  );
  body.push("<h2>Week over week</h2>");
  body.push(`<div class="cards">
<div class="card">Denials<b>${c.denials.current}</b>${delta(c.denials.current, c.denials.previous)} <span class="muted small">vs ${c.denials.previous}</span></div>
<div class="card">Active roles<b>${c.activeRoles.current}</b>${delta(c.activeRoles.current, c.activeRoles.previous)} <span class="muted small">vs ${c.activeRoles.previous}</span></div>
<div class="card">New denials<b>${c.newDenials.length}</b><span class="muted small">role × action</span></div>
<div class="card">New actions used<b>${c.newActions.length}</b><span class="muted small">role × action</span></div>
<div class="card">Roles grew / shrank<b>${c.grew.length} / ${c.shrank.length}</b><span class="muted small">actions used</span></div>
</div>`);
  if (firstWindow) {
    body.push(
      `<p class="small muted">No data in the previous window: every denial and action below is new.</p>`,
    );
  } else {
    if (c.newDenials.length)
      body.push(`<h4>New denials</h4>${tableHtml(["Role", "Actions"], byRoleRows(c.newDenials))}`);
    if (c.newActions.length)
      body.push(`<h4>New actions used</h4>${tableHtml(["Role", "Actions"], byRoleRows(c.newActions))}`);
    if (c.grew.length)
      body.push(
        `<h4>Roles that grew</h4>${tableHtml(["Role", "Before", "After"], sizeRows(c.grew), [1, 2])}`,
      );
    if (c.shrank.length)
      body.push(
        `<h4>Roles that shrank</h4>${tableHtml(["Role", "Before", "After"], sizeRows(c.shrank), [1, 2])}`,
      );
  }
  body.push("<h2>Summary</h2>");
  body.push(`<div class="cards">
<div class="card">Roles<b>${s.roles}</b></div><div class="card">Active<b>${s.activeRoles}</b></div>
<div class="card">Idle<b>${s.idleRoles}</b></div><div class="card">Actions used<b>${s.actionsUsed}</b></div>
<div class="card">Denials<b>${s.denials}</b></div><div class="card">Warnings<b>${s.warnings}</b></div></div>`);
  body.push(`<h2>Denials per day and kind</h2>${chartSvg(report.chart)}`);
  body.push("<h2>Warnings</h2>");
  body.push(
    warnings.length
      ? `<ul>${warnings.map(({ r, f }) => `<li><b>${esc(r.roleName)}</b> <span class="muted small">(${esc(r.kind)})</span>: ${esc(f.title)}</li>`).join("")}</ul>`
      : `<p class="muted">None.</p>`,
  );
  for (const g of report.groups) {
    body.push(`<h2>${esc(g.kind)} <span class="muted small">${esc(g.description)}</span></h2>`);
    for (const r of g.roles) body.push(roleHtml(r));
  }
  body.push(
    `<h2>What the trail cannot tell</h2><ul class="small">${report.caveats.map((cv) => `<li>${esc(cv.text)}</li>`).join("")}</ul>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}
