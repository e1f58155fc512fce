import { markdownCode as code, markdownFence as fence, escapeMarkdown as md } from "../shared/text-escape.js";
import type { DeniedAction, LeastPrivilegeReport, RoleReport, UsedAction } from "./report.schemas.js";

/**
 * The report as Markdown that pastes cleanly into a wiki or a Slack canvas: headings, plain pipe tables without
 * HTML, lists and fenced JSON. Long lists are cut with a count of what was left out; the JSON format has it all.
 */

const LIST_LIMIT = 15;

/** A table cell: no pipes, no line breaks. */
function cell(text: string | number): string {
  return String(text)
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

function cut<T>(items: T[], limit = LIST_LIMIT): { shown: T[]; more: number } {
  return { shown: items.slice(0, limit), more: Math.max(0, items.length - limit) };
}

function resourcesCell(resources: { resource: string; count: number }[]): string {
  if (resources.length === 0) return "(none named)";
  const { shown, more } = cut(resources, 3);
  return `${shown.map((r) => `${code(r.resource)} ×${r.count}`).join(", ")}${more ? `, +${more} more` : ""}`;
}

/** The role's name: the last segment of its ARN, escaped (a pushed record can name anything). */
const shortName = (arn: string) => md(arn.slice(arn.lastIndexOf("/") + 1) || arn);

function usedTable(used: UsedAction[], dualUse: boolean): string {
  if (used.length === 0) return "_No calls in the window._";
  const header = dualUse
    ? ["Action", "As", "Calls", "Errors", "Resources"]
    : ["Action", "Calls", "Errors", "Resources"];
  return table(
    header,
    used.map((u) =>
      dualUse
        ? [code(u.action), md(u.actingAs), u.calls, u.errors, resourcesCell(u.resources)]
        : [code(u.action), u.calls, u.errors, resourcesCell(u.resources)],
    ),
  );
}

/** The deciding statement (policy, Sid or index) and whether the fix was verified, of the group's latest denial. */
function verdictCell(d: DeniedAction): string {
  if (d.model === null) return "_not evaluated_";
  const fix = d.model.verified === null ? "" : `; fix: ${md(d.model.verified)}`;
  return `${md(d.model.summary)}${fix}`;
}

function deniedTable(denied: DeniedAction[]): string {
  if (denied.length === 0) return "_No denials in the window._";
  return table(
    ["Action", "Count", "Denied by", "Fix in this role's policy", "Policy model (latest)", "Resources"],
    denied.map((d) => [
      code(d.action),
      d.count,
      md(d.deniedBy.join(", ")),
      d.identityFix ? "yes" : "no: change the denying policy",
      verdictCell(d),
      resourcesCell(d.resources),
    ]),
  );
}

/** Findings on task definitions and services; variable names only, never their values. */
function tasksSection(tasks: LeastPrivilegeReport["tasks"]): string[] {
  const out = ["## Task definitions and ECS Exec", ""];
  if (tasks.findings.length === 0 && tasks.unknown.length === 0) out.push("_None._");
  for (const f of tasks.findings) {
    const where = [f.taskDefinition, f.service ? `service ${f.service}` : null].filter(Boolean).join(", ");
    out.push(
      `- ${f.severity === "warning" ? "⚠️ " : ""}**${md(f.title)}** (${md(f.code)}, ${md(where)}${f.roleArn ? `, ${code(f.roleArn)}` : ""}): ${md(f.detail)}`,
    );
  }
  for (const u of tasks.unknown) out.push(`- Unknown: ${md(u)}`);
  out.push("");
  return out;
}

/** What the role holds (from the policy model), its wildcards, what of it went unused, and what is unknown. */
function grantedLines(r: RoleReport): string[] {
  const out: string[] = [];
  out.push(`**Granted** (${md(r.granted.status)}): ${md(r.granted.note)}`);
  if (r.granted.policies.length) {
    out.push("");
    for (const p of r.granted.policies)
      out.push(
        `- ${md(p.name)} (${md(p.source)}${p.versionId ? ` ${md(p.versionId)}` : ""}${p.known ? "" : `, contents unknown: ${md(p.unknown ?? "")}`})${p.arn ? ` ${code(p.arn)}` : ""}${p.from ? `, from ${md(p.from)}` : ""}`,
      );
    if (r.granted.wildcards.length)
      out.push(
        "",
        `Wildcards: ${r.granted.wildcards.map((w) => `${code(w.pattern)} → ${w.actions} actions`).join(", ")}`,
      );
    if (r.granted.unusedPatterns.length) {
      const { shown } = cut(r.granted.unusedPatterns);
      const more = r.granted.unusedPatternCount - shown.length;
      const services = cut(r.granted.unused.byService);
      out.push(
        "",
        `Granted but unused (${r.granted.unused.actions} of ${r.granted.grantedActions} actions): ${shown.map(code).join(", ")}${more ? `, +${more} more` : ""}`,
        "",
        ...services.shown.map(
          (s) =>
            `- ${md(s.service)}: ${s.unused} of ${s.granted} unused${s.unused > s.actions.length ? "" : `: ${s.actions.map(code).join(", ")}`}`,
        ),
        ...(r.granted.unused.services > services.shown.length
          ? [`- +${r.granted.unused.services - services.shown.length} more services`]
          : []),
      );
    }
  }
  if (r.granted.unknowns.length)
    out.push("", `Unknown to the policy model: ${r.granted.unknowns.map(md).join("; ")}`);
  return out;
}

function roleSection(r: RoleReport): string {
  const out: string[] = [];
  const kinds = r.kinds.length > 1 ? ` (also ${r.kinds.slice(1).join(", ")})` : "";
  out.push(`### ${md(r.roleName)} (account ${md(r.accountId)})`);
  out.push("");
  out.push(
    `${code(r.roleArn)}  \n${md(r.kind)}${md(kinds)}, confidence ${r.confidence.toFixed(2)}${r.dualUse ? ", **dual use**" : ""}. ${r.calls} calls, ${r.denials} denials${r.noiseDenials ? ` (and ${r.noiseDenials} noise)` : ""}.`,
  );
  out.push("");
  if (r.findings.length) {
    out.push("**Findings**");
    out.push("");
    for (const f of r.findings) {
      const actions = f.actions.length
        ? ` Actions: ${cut(f.actions, 8).shown.map(code).join(", ")}${f.actions.length > 8 ? `, +${f.actions.length - 8} more` : ""}.`
        : "";
      out.push(
        `- ${f.severity === "warning" ? "⚠️ " : ""}**${md(f.title)}** (${md(f.code)}). ${md(f.detail)}${actions}`,
      );
    }
    out.push("");
  }
  out.push("**Used**", "", usedTable(r.used, r.dualUse), "");
  out.push("**Denied**", "", deniedTable(r.denied), "");
  out.push(...grantedLines(r));
  out.push("");
  if (r.policy.changeInstead !== null) {
    out.push(`_No recommended policy:_ ${md(r.policy.changeInstead)}`);
  } else if (r.policy.document.Statement.length) {
    out.push("**Recommended policy**", "", ...fence("json", JSON.stringify(r.policy.document, null, 2)));
    if (r.policy.placeholders.length)
      out.push(
        "",
        `Placeholders to narrow (the trail named no resource): ${r.policy.placeholders.map(code).join(", ")}`,
      );
    if (r.policy.excluded.length)
      out.push("", "Left out:", ...r.policy.excluded.map((e) => `- ${code(e.action)}: ${md(e.reason)}`));
    for (const s of r.split)
      out.push(
        "",
        `**Split: policy for the ${md(s.kind)} role**`,
        "",
        ...fence("json", JSON.stringify(s.policy.document, null, 2)),
      );
  } else {
    out.push("_No recommended policy: the role did nothing that needs a permission._");
  }
  out.push("");
  return out.join("\n");
}

/** The report as Markdown. */
export function renderMarkdown(report: LeastPrivilegeReport): string {
  const { window, comparison: c, summary: s } = report;
  const out: string[] = [];
  out.push(`# Least-privilege report, ${window.from} to ${window.to}`);
  out.push("");
  out.push(
    `${window.days} day${window.days === 1 ? "" : "s"}, UTC${report.role ? `, role ${code(report.role)}` : ", all roles"}. Compared with ${c.previous.from} to ${c.previous.to}.`,
  );
  out.push("");
  if (report.windowNote) out.push(`_${md(report.windowNote)}_`, "");
  out.push("## Week over week", "");
  out.push(
    table(
      ["", "This window", "Previous"],
      [
        ["Denials", c.denials.current, c.denials.previous],
        ["Active roles", c.activeRoles.current, c.activeRoles.previous],
      ],
    ),
  );
  out.push("");
  const changeList = (title: string, rows: { roleArn: string; action: string; count: number }[]) => {
    out.push(`**${title}** (${rows.length})`, "");
    if (rows.length === 0) out.push("_None._");
    const grouped = new Map<string, string[]>();
    for (const r of rows) grouped.set(r.roleArn, [...(grouped.get(r.roleArn) ?? []), r.action]);
    for (const [arn, actions] of grouped) out.push(`- ${shortName(arn)}: ${actions.map(code).join(", ")}`);
    out.push("");
  };
  const sizeList = (title: string, rows: { roleArn: string; before: number; after: number }[]) => {
    out.push(`**${title}** (${rows.length})`, "");
    if (rows.length === 0) out.push("_None._");
    for (const r of rows) out.push(`- ${shortName(r.roleArn)}: ${r.before} → ${r.after} actions`);
    out.push("");
  };
  if (c.denials.previous === 0 && c.activeRoles.previous === 0) {
    out.push("_No data in the previous window: every denial and action below is new._", "");
  } else {
    changeList("New denials", c.newDenials);
    changeList("New actions used", c.newActions);
    sizeList("Roles that grew", c.grew);
    sizeList("Roles that shrank", c.shrank);
  }
  out.push("## Summary", "");
  out.push(
    table(
      ["Roles", "Active", "Idle", "Grants unknown", "Actions used", "Denials", "Warnings"],
      [[s.roles, s.activeRoles, s.idleRoles, s.grantsUnknown, s.actionsUsed, s.denials, s.warnings]],
    ),
  );
  out.push("");
  out.push("## Denials per day and kind", "");
  if (report.chart.kinds.length === 0) out.push("_No denials in the window._");
  else
    out.push(
      table(
        ["Day", ...report.chart.kinds],
        report.chart.days.map((d, i) => [d, ...(report.chart.counts[i] ?? []).map(String)]),
      ),
    );
  out.push("");
  const warnings = report.groups.flatMap((g) =>
    g.roles.flatMap((r) => r.findings.filter((f) => f.severity === "warning").map((f) => ({ r, f }))),
  );
  out.push("## Warnings", "");
  if (warnings.length === 0) out.push("_None._");
  for (const { r, f } of warnings)
    out.push(`- **${md(r.roleName)}** (${md(r.kind)}, account ${md(r.accountId)}): ${md(f.title)}`);
  out.push("", ...tasksSection(report.tasks));
  for (const g of report.groups) {
    out.push(`## ${md(g.kind)}: ${md(g.description)}`, "");
    for (const r of g.roles) out.push(roleSection(r));
  }
  out.push("## What the trail cannot tell", "");
  for (const cv of report.caveats) out.push(`- ${md(cv.text)}`);
  out.push("");
  return out.join("\n");
}
