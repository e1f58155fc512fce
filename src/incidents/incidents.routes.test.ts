import { describe, expect, it } from "vitest";
import { scenarioApp } from "../../test/support/scenario.js";
import { DenialList } from "../denials/denials.schemas.js";
import { Incident, IncidentList } from "./incidents.schemas.js";

const { get, error } = scenarioApp();

describe("GET /v1/incidents", () => {
  it("groups denials: counts add up to the denials listed, each with its latest explanation", async () => {
    const denials = (await get("/v1/denials?includeNoise=true&limit=500", DenialList)).denials;
    const incidents = (await get("/v1/incidents?includeNoise=true&limit=500", IncidentList)).incidents;
    expect(incidents.reduce((n, i) => n + i.count, 0)).toBe(denials.length);
    for (const i of incidents) {
      expect(i.latest?.incidentId).toBe(i.id);
      expect(i.sampleEventIds.length).toBeGreaterThan(0);
    }
    const lastSeen = incidents.map((i) => i.lastSeen);
    expect([...lastSeen].sort().reverse()).toEqual(lastSeen);
  });

  it("pages incidents and serves one by id, 404 otherwise", async () => {
    const whole = (await get("/v1/incidents?includeNoise=true&limit=500", IncidentList)).incidents;
    const first = await get("/v1/incidents?includeNoise=true&limit=2", IncidentList);
    expect(first.incidents.map((i) => i.id)).toEqual(whole.slice(0, 2).map((i) => i.id));
    const second = await get(
      `/v1/incidents?includeNoise=true&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`,
      IncidentList,
    );
    expect(second.incidents.map((i) => i.id)).toEqual(whole.slice(2, 4).map((i) => i.id));
    const one = await get(`/v1/incidents/${whole[0]?.id}`, Incident);
    expect(one.count).toBe(whole[0]?.count);
    expect(await error("/v1/incidents/inc_nope")).toEqual({ status: 404, code: "incidents.not_found" });
    expect(await error("/v1/incidents?cursor=bm9wZQ")).toMatchObject({ status: 400, field: "cursor" });
    expect(await error("/v1/denials?cursor=bm9wZQ")).toMatchObject({ status: 400, field: "cursor" });
  });

  it("filters incidents by kind", async () => {
    const exec = (
      await get("/v1/incidents?includeNoise=true&limit=500&kind=ecs-task-execution", IncidentList)
    ).incidents;
    expect(exec.length).toBeGreaterThan(0);
    expect(exec.every((i) => i.latest?.principal.kind === "ecs-task-execution")).toBe(true);
  });
});
