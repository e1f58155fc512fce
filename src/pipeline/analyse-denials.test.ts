import { beforeEach, describe, expect, it } from "vitest";
import { loadExplainCases } from "../../test/support/explain-cases.js";
import { extractPrincipal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { type Db, openDb } from "../db/client.js";
import { listDenials } from "../db/denial-pages.repository.js";
import { getDenial, getIncident, listIncidents } from "../db/denials.repository.js";
import { denialRaw, denials, incidents, roleCatalog } from "../db/schema.js";
import { createStore } from "../db/store.js";
import { analysePendingDenials as analyse } from "./analyse-denials.js";

/** Analyses through a store on the connection, as the pipeline does. */
const analysePendingDenials = (db: Db) => analyse(createStore(db));

const golden = loadExplainCases();

function seedDenial(db: Db, record: CloudTrailRecord): void {
  const p = extractPrincipal(record);
  db.insert(denials)
    .values({
      eventId: record.eventID,
      eventTime: Date.parse(record.eventTime),
      accountId: record.recipientAccountId ?? p.accountId,
      region: record.awsRegion ?? "",
      eventSource: record.eventSource,
      eventName: record.eventName,
      errorCode: record.errorCode ?? "",
      errorMessage: typeof record.errorMessage === "string" ? record.errorMessage : null,
      principalType: p.type,
      principalArn: p.arn,
      roleArn: p.roleArn,
      sessionName: p.sessionName,
      userAgent: record.userAgent ?? null,
      sourceIp: record.sourceIPAddress ?? null,
      source: "test",
    })
    .run();
  db.insert(denialRaw)
    .values({ eventId: record.eventID, raw: JSON.stringify(record) })
    .run();
}

function instanceFallback(i: number, instance: string): CloudTrailRecord {
  const base = golden.find((c) => c.name.startsWith("Application call with instance credentials"))?.record;
  if (!base) throw new Error("fixture missing");
  return {
    ...base,
    eventID: `evt-${String(i).padStart(4, "0")}`,
    eventTime: new Date(Date.UTC(2026, 2, 1, 10, 0, i)).toISOString(),
    userIdentity: {
      ...base.userIdentity,
      arn: `arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/${instance}`,
    },
    resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::reports-prod/2026/03/file-${i}.csv` }],
  };
}

describe("the analysis of stored denials", () => {
  let db: Db;
  beforeEach(() => {
    db = openDb({ path: ":memory:" });
    db.insert(roleCatalog)
      .values({
        roleArn: "arn:aws:iam::123456789012:role/ecsInstanceRole",
        accountId: "123456789012",
        roleName: "ecsInstanceRole",
        kind: "ecs-container-instance",
        confidence: 0.9,
        kinds: JSON.stringify([{ kind: "ecs-container-instance", confidence: 0.9, evidence: [] }]),
        dualUse: false,
        firstSeen: null,
        lastSeen: null,
      })
      .run();
    for (let i = 0; i < 12; i++)
      seedDenial(db, instanceFallback(i, i % 2 ? "i-0aaaaaaaaaaaaaaa1" : "i-0bbbbbbbbbbbbbbb2"));
    for (const c of golden) seedDenial(db, c.record);
  });

  it("fills the analysis columns using the stored catalogue and groups repeats into one incident", async () => {
    const result = await analysePendingDenials(db);
    expect(result.analysed).toBe(12 + golden.length);
    const d = getDenial(db, "evt-0003");
    expect(d).toMatchObject({
      action: "s3:GetObject",
      deniedBy: "unknown",
      resource: "arn:aws:s3:::reports-prod/2026/03/file-3.csv",
    });
    const incident = d?.incidentId ? getIncident(db, d.incidentId) : undefined;
    // The case record of the same failure joins the twelve.
    expect(incident).toMatchObject({
      count: 13,
      action: "s3:GetObject",
      resourcePattern: "arn:aws:s3:::reports-prod/2026/03/*",
      noise: false,
    });
    expect(JSON.parse(incident?.sessions ?? "[]")).toEqual([
      "i-0744a608689e0a1b2",
      "i-0aaaaaaaaaaaaaaa1",
      "i-0bbbbbbbbbbbbbbb2",
    ]);
    expect(JSON.parse(incident?.sampleEventIds ?? "[]")).toHaveLength(5);
  });

  it("is idempotent: a second run changes nothing", async () => {
    await analysePendingDenials(db);
    const before = { d: db.select().from(denials).all(), i: db.select().from(incidents).all() };
    expect(await analysePendingDenials(db)).toEqual({ analysed: 0, incidents: 0 });
    expect({ d: db.select().from(denials).all(), i: db.select().from(incidents).all() }).toEqual(before);
  });

  it("adds new denials to the existing incident without recounting the old ones", async () => {
    await analysePendingDenials(db);
    seedDenial(db, instanceFallback(40, "i-0ccccccccccccccc3"));
    await analysePendingDenials(db);
    const d = getDenial(db, "evt-0040");
    expect(d?.incidentId && getIncident(db, d.incidentId)?.count).toBe(14);
  });

  it("copies each incident's noise flag onto its denials, also onto a denial that joins a stored incident", async () => {
    await analysePendingDenials(db);
    const flags = () =>
      db.$client
        .prepare(
          "SELECT d.event_id AS eventId, d.noise AS denial, i.noise AS incident FROM denials d JOIN incidents i ON i.id = d.incident_id",
        )
        .all() as { eventId: string; denial: number; incident: number }[];
    expect(flags().filter((f) => f.denial !== f.incident)).toEqual([]);
    const noisy = golden.find((c) => c.name === "Console browsing probe by an SSO user is noise")?.record;
    if (!noisy) throw new Error("fixture missing");
    seedDenial(db, { ...noisy, eventID: "evt-late-probe" });
    await analysePendingDenials(db);
    expect(flags().find((f) => f.eventId === "evt-late-probe")).toEqual({
      eventId: "evt-late-probe",
      denial: 1,
      incident: 1,
    });
    expect(flags().filter((f) => f.denial !== f.incident)).toEqual([]);
  });

  it("lists newest first with a keyset cursor, filters by kind through the catalogue, and hides noise unless asked", async () => {
    await analysePendingDenials(db);
    const all: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = listDenials(db, { limit: 7, includeNoise: true, ...(cursor ? { cursor } : {}) });
      all.push(...page.denials.map((x) => x.eventId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(all).toHaveLength(12 + golden.length);
    expect(new Set(all).size).toBe(all.length);
    const times = all.map((id) => getDenial(db, id)?.eventTime ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const byKind = listDenials(db, { kind: "ecs-container-instance", limit: 100, includeNoise: true });
    expect(byKind.denials.length).toBeGreaterThanOrEqual(13);
    expect(byKind.denials.every((x) => x.roleArn === "arn:aws:iam::123456789012:role/ecsInstanceRole")).toBe(
      true,
    );

    const withNoise = listDenials(db, { limit: 1000, includeNoise: true }).denials.length;
    const withoutNoise = listDenials(db, { limit: 1000 }).denials;
    expect(withoutNoise.length).toBeLessThan(withNoise);
    expect(withoutNoise.some((x) => x.noise)).toBe(false);
    expect(
      listIncidents(db, { limit: 100, includeNoise: true }).incidents.some(
        (i) => i.noiseReason === "console-probe",
      ),
    ).toBe(true);
  });
});
