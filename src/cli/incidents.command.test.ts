import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DENIAL, findScenarioFile, TASK } from "../../test/support/find-scenario.js";
import { captureOutput } from "../../test/support/output.js";
import { Incident } from "../incidents/incidents.schemas.js";
import { runCli } from "./run-cli.js";

const path = findScenarioFile();

const out = captureOutput();

/** The incidents `deniedby incidents --format json` prints for the flags. */
async function incidents(...flags: string[]): Promise<Incident[]> {
  out.stdout = "";
  const code = await runCli(["incidents", "--db", path, "--include-noise", "--format", "json", ...flags]);
  expect(code, out.stderr).toBe(0);
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => Incident.parse(JSON.parse(l)));
}

const samples = (list: Incident[]) => list.flatMap((i) => i.sampleEventIds).sort();

describe("deniedby incidents", () => {
  it("lists the incidents whose denials the find filters select, as GET /v1/incidents does", async () => {
    const all = await incidents();
    expect(samples(all)).toEqual(Object.values(DENIAL).sort());
    // An incident is listed when one of its denials matches; it carries all its denials (checkout and its canary
    // share role, action and table, so they are one incident).
    const holding = (id: string) => all.filter((i) => i.sampleEventIds.includes(id)).map((i) => i.id);
    const ids = async (...flags: string[]) => (await incidents(...flags)).map((i) => i.id);
    expect(await ids("--session", TASK.checkout)).toEqual(holding(DENIAL.checkout));
    expect(await ids("--task-definition", "checkout:6")).toEqual(holding(DENIAL.canary));
    expect(await ids("--service", "billing-api")).toEqual(holding(DENIAL.billing));
    expect(await ids("--cluster", "prod", "--text", "invoices")).toEqual(holding(DENIAL.billing));
    expect(await ids("--text", "report_100%")).toEqual(holding(DENIAL.report));
    expect(
      new Set([...holding(DENIAL.checkout), ...holding(DENIAL.billing), ...holding(DENIAL.report)]).size,
    ).toBe(3);
    expect(await incidents("--text", "no-such-thing-anywhere")).toEqual([]);
    for (const i of all) expect(i.sampleEventIds).toContain(i.latest?.eventId);
  });

  it("prints a table and pages with the cursor it prints", async () => {
    const total = (await incidents()).length;
    expect(total).toBeGreaterThan(2);
    out.stdout = "";
    expect(await runCli(["incidents", "--db", path, "--include-noise", "--limit", "2"]), out.stderr).toBe(0);
    const [header, rule, ...rows] = out.stdout.split("\n\nmore:")[0]?.split("\n") ?? [];
    expect(header).toMatch(/^LAST SEEN\s+COUNT\s+ROLE\/PRINCIPAL\s+ACTION/);
    expect(rule).toMatch(/^-+( +-+)+$/);
    expect(rows.filter(Boolean)).toHaveLength(2);
    const cursor = /more: --cursor (\S+)/.exec(out.stdout)?.[1] ?? "";
    expect(cursor).not.toBe("");
    expect(await incidents("--limit", "2", "--cursor", cursor)).toHaveLength(Math.min(2, total - 2));
  });

  it("refuses a bad filter, cursor, format or flag naming it, with exit status 2", async () => {
    for (const [flags, says] of [
      [["--session", "a"], "--session:"],
      [["--kind", "wizard"], "--kind:"],
      [["--since", "last tuesday"], "--since:"],
      [["--limit", "0"], "--limit:"],
      [["--cursor", "bm90LWEtY3Vyc29y"], "not a cursor deniedby issued"],
      [["--format", "yaml"], "--format must be table or json"],
      [["--task", TASK.checkout], "--task"],
    ] as const) {
      out.stderr = "";
      expect(await runCli(["incidents", "--db", path, ...flags]), flags.join(" ")).toBe(2);
      expect(out.stderr).toContain(says);
      expect(out.stderr).toContain("usage: deniedby incidents");
    }
  });

  it("refuses a database that does not exist instead of creating one", async () => {
    out.stderr = "";
    expect(await runCli(["incidents", "--db", join(dirname(path), "missing.db")])).toBe(1);
    expect(out.stderr).toContain("no database at");
  });
});
