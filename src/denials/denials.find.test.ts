import { beforeAll, describe, expect, it } from "vitest";
import { errorOf, getJson, testApp } from "../../test/support/app.js";
import { memoryDb } from "../../test/support/db.js";
import { A, DENIAL, seedFindScenario, TASK } from "../../test/support/find-scenario.js";
import { pageQuery } from "../db/denial-pages.repository.js";
import { IncidentList } from "../incidents/incidents.schemas.js";
import { DenialDetail, DenialList, DenialQuery } from "./denials.schemas.js";
import { listingFilters } from "./denials.usecases.js";

const db = memoryDb();
const { app } = testApp({}, { db });
beforeAll(() => seedFindScenario(db));

const ecs = (resource: string) => `arn:aws:ecs:eu-west-1:${A}:${resource}`;

/** The event ids the denial listing finds for a query (noise included), newest first. */
async function found(query: string): Promise<string[]> {
  const page = await getJson(app, `/v1/denials?includeNoise=true&limit=500&${query}`, DenialList);
  return page.denials.map((d) => d.eventId);
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe("GET /v1/denials: find by what on-call has in hand", () => {
  it("finds a task's denials by its session name, its task ID or its task ARN", async () => {
    expect(await found(q({ session: TASK.checkout }))).toEqual([DENIAL.checkout]);
    expect(await found(q({ session: ecs(`task/prod/${TASK.checkout}`) }))).toEqual([DENIAL.checkout]);
    expect(await found(q({ session: ecs(`task/${TASK.report}`) }))).toEqual([DENIAL.report]);
    expect(await found(q({ session: "jane.doe" }))).toEqual([DENIAL.person]);
    expect(await found(q({ session: "nobody-here" }))).toEqual([]);
  });

  it("finds by task definition: the task's launch decides when known, the definition's task role otherwise", async () => {
    // canary runs checkout:6 with the same role as checkout:7: its launch puts it under :6 only.
    expect(await found(q({ taskDefinition: "checkout" }))).toEqual([DENIAL.canary, DENIAL.checkout]);
    expect(await found(q({ taskDefinition: "checkout:7" }))).toEqual([DENIAL.checkout]);
    expect(await found(q({ taskDefinition: ecs("task-definition/checkout:6") }))).toEqual([DENIAL.canary]);
    expect(await found(q({ taskDefinition: "report:2" }))).toEqual([DENIAL.report]);
    // billing's launch is not in the trail: billing:3 registered its role (by name); a person's session of that
    // role is not the task.
    expect(await found(q({ taskDefinition: "billing" }))).toEqual([DENIAL.billing]);
    expect(await found(q({ taskDefinition: "billing:3" }))).toEqual([DENIAL.billing]);
    expect(await found(q({ taskDefinition: "billing:4" }))).toEqual([]);
  });

  it("finds by service name or ARN", async () => {
    expect(await found(q({ service: "checkout" }))).toEqual([DENIAL.checkout]);
    expect(await found(q({ service: "checkout-canary" }))).toEqual([DENIAL.canary]);
    expect(await found(q({ service: "billing-api" }))).toEqual([DENIAL.billing]);
    expect(await found(q({ service: ecs("service/prod/billing-api") }))).toEqual([DENIAL.billing]);
    expect(await found(q({ service: "report" }))).toEqual([]);
  });

  it("finds by cluster name or ARN: launches, the agents' audit logs and the cluster's services' task roles", async () => {
    const prod = [DENIAL.audited, DENIAL.billing, DENIAL.checkout];
    expect(await found(q({ cluster: "prod" }))).toEqual(prod);
    expect(await found(q({ cluster: ecs("cluster/prod") }))).toEqual(prod);
    expect(await found(q({ cluster: "staging" }))).toEqual([DENIAL.canary]);
    expect(await found(q({ cluster: "batch" }))).toEqual([DENIAL.report]);
    expect(await found(q({ cluster: "default" }))).toEqual([]);
  });

  it("finds by free text in the message, resource, action and role, case-insensitively and literally", async () => {
    expect(await found(q({ q: "ORDERS" }))).toEqual([DENIAL.canary, DENIAL.checkout]);
    expect(await found(q({ q: "billing-task" }))).toEqual([DENIAL.person, DENIAL.billing]);
    expect(await found(q({ q: "no identity-based policy allows" }))).toHaveLength(6);
    // As LIKE wildcards `report_100%` would match `reportX100Y` too; taken literally it matches one table.
    expect(await found(q({ q: "report_100%" }))).toEqual([DENIAL.report]);
    expect(await found(q({ q: "_" }))).toEqual([DENIAL.report]);
    expect(await found(q({ q: "%" }))).toEqual([DENIAL.report]);
    expect(await found(q({ q: "o'brien" }))).toEqual([DENIAL.audited]);
    expect(await found(q({ q: "\\" }))).toEqual([]);
    expect(await found(q({ q: `" OR 1=1 --` }))).toEqual([]);
  });

  it("combines the filters with AND and with the listing's own, and pages through a filtered listing", async () => {
    expect(await found(q({ cluster: "prod", q: "invoices" }))).toEqual([DENIAL.billing]);
    expect(await found(q({ cluster: "prod", session: TASK.canary }))).toEqual([]);
    expect(
      await found(q({ taskDefinition: "checkout", roleArn: `arn:aws:iam::${A}:role/checkout-task` })),
    ).toEqual([DENIAL.canary, DENIAL.checkout]);
    expect(await found(q({ cluster: "prod", since: "2026-11-18T10:02:00Z" }))).toEqual([
      DENIAL.audited,
      DENIAL.billing,
    ]);
    expect(await found(q({ q: "orders", account: "999999999999" }))).toEqual([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: DenialList = await getJson(
        app,
        `/v1/denials?includeNoise=true&limit=1&cluster=prod${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        DenialList,
      );
      seen.push(...page.denials.map((d) => d.eventId));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([DENIAL.audited, DENIAL.billing, DENIAL.checkout]);
  });

  it("refuses a malformed filter and an unknown parameter, naming it", async () => {
    for (const [query, field] of [
      ["sesion=abc", "sesion"],
      ["session=a", "session"],
      ["session=a%20b", "session"],
      ["taskDefinition=web%3Ax", "taskDefinition"],
      ["taskDefinition=arn%3Aaws%3As3%3A%3A%3Abucket", "taskDefinition"],
      ["service=a%2Fb", "service"],
      ["cluster=", "cluster"],
      ["q=", "q"],
      [`q=${"x".repeat(257)}`, "q"],
      ["text=orders", "text"],
    ] as const)
      expect(await errorOf(app, `/v1/denials?${query}`), query).toEqual({
        status: 400,
        code: "request.invalid",
        field,
      });
  });
});

describe("GET /v1/incidents: the same find filters", () => {
  /** The ids of the incidents the listing finds, sorted. */
  async function incidentsFound(query: string): Promise<string[]> {
    const page = await getJson(app, `/v1/incidents?includeNoise=true&limit=500&${query}`, IncidentList);
    return page.incidents.map((i) => i.id).sort();
  }
  /** The ids of the incidents of the given denials, sorted (checkout and canary share one: same role, action, table). */
  async function incidentsOf(...eventIds: string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const id of eventIds) {
      const { explanation } = await getJson(app, `/v1/denials/${id}`, DenialDetail);
      if (explanation.incidentId) ids.add(explanation.incidentId);
    }
    return [...ids].sort();
  }

  it("lists the incidents holding a denial the filters find, and no other", async () => {
    const all = await incidentsFound("");
    expect(all.length).toBe(5);
    expect(await incidentsFound(q({ cluster: "prod" }))).toEqual(
      await incidentsOf(DENIAL.audited, DENIAL.billing, DENIAL.checkout),
    );
    expect(await incidentsFound(q({ session: TASK.report }))).toEqual(await incidentsOf(DENIAL.report));
    expect(await incidentsFound(q({ taskDefinition: "checkout:6" }))).toEqual(
      await incidentsOf(DENIAL.canary),
    );
    expect(await incidentsFound(q({ service: "billing-api" }))).toEqual(await incidentsOf(DENIAL.billing));
    expect(await incidentsFound(q({ q: "report_100%" }))).toEqual(await incidentsOf(DENIAL.report));
    expect(await incidentsFound(q({ q: "o'brien", cluster: "staging" }))).toEqual([]);
    expect(await errorOf(app, "/v1/incidents?cluster=a%2Fb")).toMatchObject({
      status: 400,
      field: "cluster",
    });
    expect(await errorOf(app, "/v1/incidents?task=x")).toMatchObject({ status: 400, field: "task" });
  });
});

describe("the find filters' queries", () => {
  /** The plan SQLite chooses for a listing's page query, one line per step. */
  function plan(query: Record<string, string>): string[] {
    const filters = listingFilters(db, DenialQuery.parse(query), Date.parse("2026-11-20T00:00:00Z"));
    const { sql, params } = pageQuery(filters);
    return db.$client
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params, 50)
      .map((r) => (r as { detail: string }).detail);
  }

  it.each([
    [{ session: TASK.checkout }],
    [{ taskDefinition: "checkout:7" }],
    [{ taskDefinition: "billing" }],
    [{ service: "billing-api" }],
    [{ cluster: "prod" }],
    [{ cluster: "prod", q: "orders" }],
  ])("reaches denials through an index for %o, never a scan", (query) => {
    const steps = plan(query);
    expect(steps.some((s) => /^SEARCH d USING INDEX denials_session_time_idx/.test(s))).toBe(true);
    expect(steps.filter((s) => /^SCAN d\b/.test(s))).toEqual([]);
  });

  it("walks the time index newest first for free text alone, stopping at the page", () => {
    expect(plan({ q: "orders" })).toContain("SCAN d USING INDEX denials_time_idx");
  });
});
