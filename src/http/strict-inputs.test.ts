import { describe, expect, it } from "vitest";
import { scenarioApp } from "../../test/support/scenario.js";
import { DenialList } from "../denials/denials.schemas.js";
import { IncidentList } from "../incidents/incidents.schemas.js";
import { RoleList } from "../roles/roles.schemas.js";

const { app, get, error } = scenarioApp();

/** Every operation of the served OpenAPI document, with its path parameters filled in. */
async function operations(): Promise<{ method: string; path: string }[]> {
  const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, object> };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method, path: path.replace(/\{[^}]+\}/g, "x") })),
  );
}

/** A request each route would otherwise accept as far as its query: a JSON body for JSON routes, a form for Slack's. */
function initFor(method: string, path: string): RequestInit {
  if (method !== "post") return { method: method.toUpperCase() };
  if (path === "/v1/slack/commands")
    return {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "text=x",
    };
  return { method: "POST", headers: { "content-type": "application/json" }, body: '{"Records":[]}' };
}

describe("strict inputs", () => {
  it("refuses an unknown query parameter by name on every route of the OpenAPI document", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(14);
    expect(ops.map((o) => o.path)).toContain("/metrics");
    for (const { method, path } of ops) {
      // `task` is no route's parameter (`session` was, before the denial listings took it as a find filter).
      const res = await error(`${path}?task=ecs-task-1`, initFor(method, path));
      expect(res, `${method} ${path}`).toEqual({ status: 400, code: "request.invalid", field: "task" });
    }
  });

  it("names the unknown parameter among known ones, and still accepts the known ones", async () => {
    expect(await error("/v1/denials?limit=5&task=abc")).toMatchObject({ status: 400, field: "task" });
    // session is a find filter now: a session no denial has finds none, rather than every denial.
    expect((await get("/v1/denials?limit=5&session=abc", DenialList)).denials).toEqual([]);
    expect(await error("/v1/roles?kind=ecs-task&cluster=prod")).toMatchObject({
      status: 400,
      field: "cluster",
    });
    expect((await get("/v1/denials?limit=5", DenialList)).denials).toHaveLength(5);
  });

  it("takes the CLI's time forms in since and until: durations, dates and date-times with a zone", async () => {
    // The scenario trail is of 2026-11-16 09:00 UTC; the app's clock reads 2026-11-20 12:00 UTC.
    const all = await get("/v1/denials?limit=500&includeNoise=true", DenialList);
    expect(all.denials.length).toBeGreaterThan(5);
    const count = async (q: string) =>
      (await get(`/v1/denials?limit=500&includeNoise=true&${q}`, DenialList)).denials.length;
    expect(await count("since=24h")).toBe(0);
    expect(await count("since=7d")).toBe(all.denials.length);
    expect(await count("since=5000m")).toBe(0);
    expect(await count("since=2026-11-16")).toBe(all.denials.length);
    expect(await count("until=2026-11-16")).toBe(0);
    expect(await count("since=2026-11-16T00:00:00Z&until=2026-11-17T00:00:00%2B01:00")).toBe(
      all.denials.length,
    );
    expect((await get("/v1/incidents?since=24h", IncidentList)).incidents).toEqual([]);
    for (const bad of ["2026-02-30", "2026-11-16T10:00:00", "yesterday", "24 h", "1"])
      expect(await error(`/v1/denials?since=${encodeURIComponent(bad)}`), bad).toMatchObject({
        status: 400,
        field: "since",
      });
  });

  it("writes every timestamp of every response as ISO-8601 UTC with milliseconds", async () => {
    const list = await get("/v1/denials?limit=500&includeNoise=true", DenialList);
    const first = list.denials[0];
    if (!first) throw new Error("the scenario stored no denials");
    const incidents = await get("/v1/incidents?includeNoise=true", IncidentList);
    const bodies: unknown[] = [
      list,
      incidents,
      await get("/v1/roles", RoleList),
      await (await app.request(`/v1/denials/${first.eventId}`)).json(),
      await (await app.request(`/v1/incidents/${incidents.incidents[0]?.id}`)).json(),
      await (await app.request("/v1/reports/least-privilege?from=2026-11-16&to=2026-11-16")).json(),
    ];
    const times: [string, string][] = [];
    const walk = (v: unknown, key: string): void => {
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) times.push([key, v]);
      if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === "object")
        // `raw` is the CloudTrail record exactly as stored: its times are CloudTrail's, not ours.
        for (const [k, x] of Object.entries(v)) if (k !== "raw") walk(x, k);
    };
    for (const body of bodies) walk(body, "");
    expect(times.map(([k]) => k)).toEqual(expect.arrayContaining(["eventTime", "firstSeen", "lastSeen"]));
    for (const [key, value] of times)
      expect(value, key).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
