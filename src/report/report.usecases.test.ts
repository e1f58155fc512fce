import { beforeAll, describe, expect, it } from "vitest";
import { deltaE2000 } from "../../test/support/colour-distance.js";
import { memoryDb } from "../../test/support/db.js";
import { loadScenario } from "../../test/support/report-scenario.js";
import { plainRoleFacts } from "../../test/support/role-facts.js";
import { ROLE_KINDS } from "../classify/kinds.js";
import type { Db } from "../db/client.js";
import { createStore } from "../db/store.js";
import { kindColours } from "./report.colours.js";
import { findingsFor } from "./report.findings.js";
import { renderHtml } from "./report.render.html.js";
import { renderMarkdown } from "./report.render.md.js";
import type { LeastPrivilegeReport } from "./report.schemas.js";
import { leastPrivilegeReport } from "./report.usecases.js";

/** The report's advice: each case fails on the advice as it was before it was fixed. */
let db: Db;
let week: LeastPrivilegeReport;
beforeAll(async () => {
  db = memoryDb();
  await loadScenario(db);
  week = leastPrivilegeReport(
    createStore(db),
    { from: "2026-11-10", to: "2026-11-16" },
    Date.parse("2026-11-20T00:00:00Z"),
  );
});

describe("instance-role findings", () => {
  const used = [{ action: "dynamodb:Query", userAgent: "aws-sdk-java/2.20 exec-env/AWS_ECS_EC2" }];

  it("send permissions to task roles only on ECS container instances", () => {
    const ecs = findingsFor({ ...plainRoleFacts, kinds: ["ecs-container-instance"], used }).map(
      (f) => f.code,
    );
    expect(ecs).toEqual(expect.arrayContaining(["instance-role-app-permissions", "instance-role-app-code"]));
  });

  it("leave plain EC2 hosts alone: their application's identity is the instance role", () => {
    const plain = findingsFor({
      ...plainRoleFacts,
      kinds: ["ec2-instance"],
      used: [{ action: "dynamodb:Query", userAgent: "aws-sdk-java/2.20" }],
    });
    expect(plain.map((f) => f.code)).not.toContain("instance-role-app-code");
    expect(plain.map((f) => f.code)).not.toContain("instance-role-app-permissions");
    expect(plain.map((f) => f.detail).join(" ")).not.toMatch(/task role/i);
  });
});

describe("role headings", () => {
  it("carry the account in HTML and Markdown", () => {
    expect(renderHtml(week)).toContain(
      '<h3>reports-role <span class="account">account 111122223333</span></h3>',
    );
    expect(renderMarkdown(week)).toContain("### reports-role (account 111122223333)");
  });
});

describe("the default window", () => {
  const lateNow = Date.parse("2026-11-29T21:00:00Z");

  it("shows the latest week with data when the last 7 days hold none, and says so", () => {
    const report = leastPrivilegeReport(createStore(db), {}, lateNow);
    expect(report.window).toEqual({ from: "2026-11-10", to: "2026-11-16", days: 7 });
    expect(report.windowNote).toContain("2026-11-22 to 2026-11-28");
    expect(report.windowNote).toContain("2026-11-10 to 2026-11-16");
    expect(report.summary.denials).toBe(week.summary.denials);
    expect(renderHtml(report)).toContain("hold no data");
    expect(renderMarkdown(report)).toContain("hold no data");
  });

  it("keeps a window the reader chose, even an empty one, and a default window that holds data", () => {
    const chosen = leastPrivilegeReport(createStore(db), { from: "2026-11-22" }, lateNow);
    expect(chosen.window.from).toBe("2026-11-22");
    expect(chosen.windowNote).toBeNull();
    const current = leastPrivilegeReport(createStore(db), {}, Date.parse("2026-11-18T08:00:00Z"));
    expect(current.window).toEqual({ from: "2026-11-11", to: "2026-11-17", days: 7 });
    expect(current.windowNote).toBeNull();
  });

  it("says when the store holds no data at all", () => {
    const report = leastPrivilegeReport(createStore(memoryDb()), {}, lateNow);
    expect(report.windowNote).toContain("neither does any earlier day");
  });
});

describe("the chart", () => {
  it("keeps every label out of the scaled SVG, as page text", () => {
    const html = renderHtml(week);
    const svg = /<svg class="chart-bars"[^>]*>([\s\S]*?)<\/svg>/.exec(html);
    expect(svg?.[0]).toContain('preserveAspectRatio="none"');
    expect(svg?.[1]).not.toContain("<text");
    expect(html).toMatch(/<div class="chart-x" aria-hidden="true"><span>11-10<\/span>/);
    expect(html).toMatch(/<div class="chart-y" aria-hidden="true"><span>\d+<\/span>/);
  });

  it("gives each kind its own colour, the same whichever kinds a report holds", () => {
    const only = structuredClone(week);
    only.chart = { days: ["2026-11-16"], kinds: ["lambda"], counts: [[3]] };
    expect(renderHtml(only)).toMatch(new RegExp(`<rect [^>]*fill="${kindColours.lambda}"`));
    const both = structuredClone(week);
    both.chart = { days: ["2026-11-16"], kinds: ["ecs-task", "lambda"], counts: [[1, 3]] };
    expect(renderHtml(both)).toMatch(new RegExp(`<rect [^>]*fill="${kindColours.lambda}"`));
  });

  it("uses colours any two of which are told apart (CIEDE2000 distance of 10 or more)", () => {
    const colours = ROLE_KINDS.map((k) => kindColours[k]);
    expect(new Set(colours).size).toBe(ROLE_KINDS.length);
    for (const [i, a] of colours.entries())
      for (const b of colours.slice(i + 1))
        expect(deltaE2000(a, b), `${a} vs ${b}`).toBeGreaterThanOrEqual(10);
  });
});
