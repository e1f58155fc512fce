import MarkdownIt from "markdown-it";
import { beforeAll, describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { makeRecord } from "../../test/support/records.js";
import { loadScenario, roleArn } from "../../test/support/report-scenario.js";
import { LeastPrivilegeReport } from "./report.schemas.js";

const { app, deps } = testApp();
const WEEK = "from=2026-11-10&to=2026-11-16";
beforeAll(async () => {
  await loadScenario(deps.db);
});

describe("GET /v1/reports/least-privilege", () => {
  it("answers JSON by default, valid against the route's schema", async () => {
    const res = await app.request(`/v1/reports/least-privilege?${WEEK}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = LeastPrivilegeReport.parse(await res.json());
    expect(body.summary.denials).toBe(37);
  });

  it("defaults to the last 7 full days before the clock (2026-11-20)", async () => {
    const body = LeastPrivilegeReport.parse(await (await app.request("/v1/reports/least-privilege")).json());
    expect(body.window).toEqual({ from: "2026-11-13", to: "2026-11-19", days: 7 });
    expect(body.summary.denials).toBe(37);
  });

  it("chooses Markdown or HTML from Accept, and format overrides Accept", async () => {
    const md = await app.request(`/v1/reports/least-privilege?${WEEK}`, {
      headers: { accept: "text/markdown" },
    });
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(await md.text()).toMatch(/^# Least-privilege report, 2026-11-10 to 2026-11-16/);
    const html = await app.request(`/v1/reports/least-privilege?${WEEK}`, {
      headers: { accept: "text/html,*/*;q=0.8" },
    });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toContain("<svg");
    const forced = await app.request(`/v1/reports/least-privilege?${WEEK}&format=md`, {
      headers: { accept: "text/html" },
    });
    expect(forced.headers.get("content-type")).toContain("text/markdown");
  });

  it("reports one role with role=", async () => {
    const arn = roleArn("checkout-task-role");
    const res = await app.request(`/v1/reports/least-privilege?${WEEK}&role=${encodeURIComponent(arn)}`);
    const body = LeastPrivilegeReport.parse(await res.json());
    expect(body.groups.flatMap((g) => g.roles).map((r) => r.roleArn)).toEqual([arn]);
    // Three for its own calls, and the KMS Decrypt that S3 made for it (AWS Internal, not the console).
    expect(body.summary.denials).toBe(4);
  });

  it.each([
    ["from=2026-13-01", "from"],
    ["from=2026-02-30", "from"],
    ["to=yesterday", "to"],
    ["from=2026-11-17&to=2026-11-16", "from"],
    ["from=2026-01-01&to=2026-11-16", "to"],
    ["format=pdf", "format"],
  ])("answers 400 naming the field for %s", async (query, field) => {
    const res = await app.request(`/v1/reports/least-privilege?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; field?: string } };
    expect(body.error.code).toBe("request.invalid");
    expect(body.error.field).toBe(field);
  });

  it("answers 404 for a role the store does not know", async () => {
    const res = await app.request(`/v1/reports/least-privilege?role=${encodeURIComponent(roleArn("nope"))}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("roles.not_found");
  });
});

describe("escaping what the trail says", () => {
  it("a role named with HTML and Markdown in a pushed record renders as text in format=md", async () => {
    // No "/" in it: a role name's last path segment is what headings show.
    const evil = "<img src=x onerror=alert(1)>**x**";
    const pushed = makeRecord({
      eventId: "6f1c7d0e-0000-4000-8000-00000000e5c1",
      eventTime: "2026-11-12T10:00:00Z",
      eventSource: "s3.amazonaws.com",
      eventName: "ListBuckets",
      roleName: evil,
    });
    expect((await app.request("/v1/events", postJson(pushed))).status).toBe(200);
    const md = await (await app.request(`/v1/reports/least-privilege?${WEEK}&format=md`)).text();
    // Code spans and fences may hold it literally (they render as text); prose and headings are escaped.
    expect(md).toContain("### \\<img src=x onerror=alert(1)\\>\\*\\*x\\*\\* (account 111122223333)");
    const html = new MarkdownIt({ html: true }).render(md);
    expect(html).not.toMatch(/<img|<strong>\s*x/i);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;**x** (account 111122223333)</h3>");
  });
});
