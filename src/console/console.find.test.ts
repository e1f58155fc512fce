import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { memoryDb } from "../../test/support/db.js";
import { DENIAL, seedFindScenario } from "../../test/support/find-scenario.js";
import { getDenial } from "../db/denials.repository.js";
import { incidentPath } from "./components/bits.js";

/** The console's incident list takes the API's find filters: fields in its form, the same matches. */

const db = memoryDb();
const { app } = testApp({}, { db });
beforeAll(() => seedFindScenario(db));

/** The incident links of the list the console renders for a query, sorted. */
async function listed(query: string): Promise<string[]> {
  const res = await app.request(`/?noise=on&${query}`);
  expect(res.status, query).toBe(200);
  const html = await res.text();
  return [...new Set([...html.matchAll(/href="(\/incidents\/[^"]+)"/g)].map((m) => m[1] ?? ""))].sort();
}

const linksOf = (...eventIds: string[]) =>
  [...new Set(eventIds.map((id) => incidentPath(getDenial(db, id)?.incidentId ?? "?")))].sort();

describe("console incident list: find by what on-call has in hand", () => {
  it("lists only the incidents of the denials the filters find, and keeps the filters in the form", async () => {
    expect(await listed("")).toHaveLength(5);
    expect(await listed("cluster=prod")).toEqual(linksOf(DENIAL.audited, DENIAL.billing, DENIAL.checkout));
    expect(await listed("service=billing-api")).toEqual(linksOf(DENIAL.billing));
    expect(await listed("taskDefinition=checkout%3A6")).toEqual(linksOf(DENIAL.canary));
    expect(await listed("q=report_100%25")).toEqual(linksOf(DENIAL.report));
    expect(await listed("cluster=prod&q=invoices")).toEqual(linksOf(DENIAL.billing));
    const html = await (await app.request("/?cluster=prod&q=o%27brien")).text();
    expect(html).toContain('name="cluster" placeholder="name or ARN" value="prod"');
    expect(html).toContain('name="q" placeholder="message, role, resource" value="o&#39;brien"');
  });

  it("answers a malformed filter with a 400 page naming it", async () => {
    const res = await app.request("/?cluster=a%2Fb");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("cluster:");
  });
});
