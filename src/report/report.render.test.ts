import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { loadScenario } from "../../test/support/report-scenario.js";
import { createStore } from "../db/store.js";
import { renderHtml } from "./report.render.html.js";
import { renderMarkdown } from "./report.render.md.js";
import { LeastPrivilegeReport } from "./report.schemas.js";
import { leastPrivilegeReport, negotiateFormat } from "./report.usecases.js";

let report: LeastPrivilegeReport;
beforeAll(async () => {
  const db = memoryDb();
  await loadScenario(db);
  report = leastPrivilegeReport(
    createStore(db),
    { from: "2026-11-10", to: "2026-11-16" },
    Date.parse("2026-11-20T00:00:00Z"),
  );
});

describe("report formats", () => {
  it("JSON round-trips through the route's schema", () => {
    const parsed = LeastPrivilegeReport.parse(JSON.parse(JSON.stringify(report)));
    expect(parsed.window).toEqual({ from: "2026-11-10", to: "2026-11-16", days: 7 });
    expect(parsed.comparison.previous).toEqual({ from: "2026-11-03", to: "2026-11-09", days: 7 });
  });

  it("Markdown has the comparison first, a section per kind and role, fenced policies and pipe-safe tables", () => {
    const md = renderMarkdown(report);
    const headings = md.split("\n").filter((l) => l.startsWith("## "));
    expect(headings[0]).toBe("## Week over week");
    expect(headings).toContain("## ecs-task: ECS task role: the application's identity inside a task");
    expect(md).toContain("### reports-role");
    expect(md).toContain("```json\n{\n");
    expect(md).not.toMatch(/<[a-z]+[ >]/);
    for (const line of md.split("\n").filter((l) => l.startsWith("| ")))
      expect(line.endsWith(" |"), line).toBe(true);
    // Fences are balanced.
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it("HTML is one self-contained page with the inline SVG chart and no external URL", () => {
    const html = renderHtml(report);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<svg");
    expect(html).toMatch(/<rect [^>]*fill="#/);
    expect(html).toContain('name="viewport"');
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("both formats say where an Identity Center role's change goes instead of a policy, and count its noise", () => {
    const md = renderMarkdown(report);
    const html = renderHtml(report);
    const section = md.slice(
      md.indexOf(
        "`arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnlyAccess_8b7a6f5e4d3c2b1a`",
      ),
    );
    expect(section.length).toBeGreaterThan(1);
    expect(section).toContain("1 denials (and 3 noise).");
    expect(section.slice(0, section.indexOf("\n### "))).toContain(
      "_No recommended policy:_ IAM Identity Center generates this role from the permission set ReadOnlyAccess",
    );
    expect(html).toContain(
      "No recommended policy: IAM Identity Center generates this role from the permission set ReadOnlyAccess",
    );
    expect(html).toContain("1 denials (and 3 noise)");
  });

  it("HTML escapes what came from the trail", () => {
    const evil = structuredClone(report);
    const first = evil.groups[0]?.roles[0];
    if (!first) throw new Error("no role");
    first.roleName = "<img src=x onerror=alert(1)>";
    expect(renderHtml(evil)).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("negotiates the format from Accept", () => {
    expect(negotiateFormat(undefined)).toBe("json");
    expect(negotiateFormat("text/html,application/xhtml+xml,*/*;q=0.8")).toBe("html");
    expect(negotiateFormat("text/markdown")).toBe("md");
    expect(negotiateFormat("application/json;q=0.5, text/markdown;q=0.9")).toBe("md");
    expect(negotiateFormat("image/png")).toBe("json");
  });
});
