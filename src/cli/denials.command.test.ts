import { describe, expect, it } from "vitest";
import { A, DENIAL, findScenarioFile, TASK } from "../../test/support/find-scenario.js";
import { captureOutput } from "../../test/support/output.js";
import { Explanation } from "../explain/explanation.schema.js";
import { runCli } from "./run-cli.js";

const path = findScenarioFile();

const out = captureOutput();

/** The event ids `deniedby denials --format json` prints for the flags, newest first. */
async function found(...flags: string[]): Promise<string[]> {
  out.stdout = "";
  const code = await runCli(["denials", "--db", path, "--include-noise", "--format", "json", ...flags]);
  expect(code, out.stderr).toBe(0);
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => Explanation.parse(JSON.parse(l)).eventId);
}

describe("deniedby denials: find by what on-call has in hand", () => {
  it("finds by session, task definition, service, cluster and free text, as the API does", async () => {
    expect(await found("--session", TASK.checkout)).toEqual([DENIAL.checkout]);
    expect(await found("--session", `arn:aws:ecs:eu-west-1:${A}:task/prod/${TASK.billing}`)).toEqual([
      DENIAL.billing,
    ]);
    expect(await found("--task-definition", "checkout")).toEqual([DENIAL.canary, DENIAL.checkout]);
    expect(await found("--task-definition", "checkout:6")).toEqual([DENIAL.canary]);
    expect(await found("--service", "billing-api")).toEqual([DENIAL.billing]);
    expect(await found("--cluster", `arn:aws:ecs:eu-west-1:${A}:cluster/prod`)).toEqual([
      DENIAL.audited,
      DENIAL.billing,
      DENIAL.checkout,
    ]);
    expect(await found("--text", "report_100%")).toEqual([DENIAL.report]);
    expect(await found("--text", "O'BRIEN")).toEqual([DENIAL.audited]);
    expect(await found("--cluster", "prod", "--text", "invoices")).toEqual([DENIAL.billing]);
    expect(await found("--service", "checkout", "--since", "2026-11-18T10:02:00Z")).toEqual([]);
  });

  it("prints the table with the filters and pages with --cursor", async () => {
    expect(await runCli(["denials", "--db", path, "--cluster", "prod", "--limit", "2"]), out.stderr).toBe(0);
    const rows = out.stdout.split("\n").filter((l) => l.includes("dynamodb:PutItem"));
    expect(rows.map((r) => r.split(/\s+/)[1])).toEqual(["audit-task", "billing-task"]);
    const cursor = /more: --cursor (\S+)/.exec(out.stdout)?.[1] ?? "";
    expect(cursor).not.toBe("");
    expect(await found("--cluster", "prod", "--limit", "2", "--cursor", cursor)).toEqual([DENIAL.checkout]);
  });

  it("filters by the incident a denial belongs to", async () => {
    out.stdout = "";
    expect(await runCli(["denials", "--db", path, "--format", "json", "--session", TASK.billing])).toBe(0);
    const incident = Explanation.parse(JSON.parse(out.stdout.split("\n")[0] ?? "")).incidentId;
    const listed = await found("--incident", incident);
    expect(listed).toContain(DENIAL.billing);
    expect(listed).not.toContain(DENIAL.report);
  });

  it("refuses a malformed filter naming its flag, and an unknown flag, with exit status 2", async () => {
    for (const [flags, says] of [
      [["--session", "a"], "--session:"],
      [["--task-definition", "web:x"], "--task-definition:"],
      [["--service", "a/b"], "--service:"],
      [["--cluster", "a b"], "--cluster:"],
      [["--text", ""], "--text:"],
      [["--task", TASK.checkout], "--task"],
      [["--q", "orders"], "--q"],
      // The rest of GET /v1/denials's query, checked by the same schema and named by flag.
      [["--kind", "wizard"], "--kind:"],
      [["--account", "12345"], "--account:"],
      [["--action", "not an action"], "--action:"],
      [["--role", "checkout-task"], "--role:"],
      [["--since", "last tuesday"], "--since:"],
      [["--limit", "0"], "--limit:"],
      [["--limit", "501"], "--limit:"],
      [["--since", "2026-11-18", "--until", "2026-11-17"], "until: must be later than since"],
      [["--cursor", "bm90LWEtY3Vyc29y"], "not a cursor deniedby issued"],
      [["--format", "yaml"], "--format must be table or json"],
    ] as const) {
      out.stderr = "";
      expect(await runCli(["denials", "--db", path, ...flags]), flags.join(" ")).toBe(2);
      expect(out.stderr).toContain(says);
      expect(out.stderr).toContain("usage: deniedby denials");
    }
  });
});
