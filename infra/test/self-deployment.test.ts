import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { deploymentTrail } from "./deployment-trail.js";
import { fullParameters, synthesize } from "./synth.js";

/**
 * deniedby reads the trail its own deployment leaves (CreateRole with the trust policy, PutRolePolicy,
 * RegisterTaskDefinition, the AssumeRole calls of a task start) through its public command line, the way a user
 * would after deploying it, and must tell its two roles apart without a finding about mixing them.
 */
const root = resolve(import.meta.dirname, "../..");

function deniedby(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DENIEDBY_LOG_LEVEL: "silent" },
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface CatalogEntry {
  roleArn: string;
  kinds: { kind: string }[];
  dualUse: boolean;
}
interface RoleReport {
  roleArn: string;
  kind: string;
  kinds: string[];
  dualUse: boolean;
  granted: unknown;
  findings: { code: string; actions: string[] }[];
}

/** Findings that say a role does another kind's work (report.findings.ts). */
const roleMixFindings = [
  "dual-use-role",
  "execution-role-app-permissions",
  "task-role-launch-permissions",
  "task-role-secret-reads",
  "instance-role-app-permissions",
  "instance-role-app-code",
];

let roles: CatalogEntry[];
let report: { groups: { roles: RoleReport[] }[] };
let taskRoleArn: string;
let executionRoleArn: string;

beforeAll(() => {
  const synthesized = synthesize(fullParameters);
  const records = deploymentTrail({
    template: synthesized.template.toJSON() as never,
    stackName: synthesized.main.stackName,
    account: synthesized.config.account,
    region: synthesized.config.region,
    time: new Date("2026-11-20T10:00:00Z"),
  });
  const register = records.find((r) => r.eventName === "RegisterTaskDefinition") as {
    requestParameters: { taskRoleArn: string; executionRoleArn: string };
  };
  taskRoleArn = register.requestParameters.taskRoleArn;
  executionRoleArn = register.requestParameters.executionRoleArn;

  const dir = mkdtempSync(join(tmpdir(), "deniedby-self-"));
  const trail = join(dir, "deployment.json");
  writeFileSync(trail, JSON.stringify({ Records: records }));
  const db = join(dir, "deniedby.db");
  const ingest = deniedby("ingest", "--db", db, "--format", "json", trail);
  expect(ingest.stderr).toBe("");
  expect(ingest.status).toBe(0);
  expect(JSON.parse(ingest.stdout)).toMatchObject({ events: records.length });

  const listed = deniedby("roles", "--db", db, "--format", "json");
  expect(listed.status).toBe(0);
  roles = listed.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as CatalogEntry);
  const written = deniedby(
    "report",
    "--db",
    db,
    "--format",
    "json",
    "--from",
    "2026-11-14",
    "--to",
    "2026-11-20",
  );
  expect(written.status).toBe(0);
  report = JSON.parse(written.stdout);
}, 240_000);

const catalogued = (arn: string) => roles.find((r) => r.roleArn === arn);
const reported = (arn: string) => report.groups.flatMap((g) => g.roles).find((r) => r.roleArn === arn);

describe("deniedby on its own deployment", () => {
  it("classifies its task role as an ECS task role and its execution role as an ECS task execution role", () => {
    expect(catalogued(taskRoleArn)?.kinds[0]?.kind).toBe("ecs-task");
    expect(catalogued(executionRoleArn)?.kinds[0]?.kind).toBe("ecs-task-execution");
    expect(catalogued(taskRoleArn)?.dualUse).toBe(false);
    expect(catalogued(executionRoleArn)?.dualUse).toBe(false);
  });

  it("reports the two roles with what their policies grant and no finding about mixing task and launch work", () => {
    const task = reported(taskRoleArn);
    const execution = reported(executionRoleArn);
    expect(task?.kind).toBe("ecs-task");
    expect(execution?.kind).toBe("ecs-task-execution");
    // The report did read the granted policies (so the findings below were computed from them).
    expect(JSON.stringify(task?.granted)).toContain("cloudtrail:LookupEvents");
    expect(JSON.stringify(execution?.granted)).toContain("ecr:BatchGetImage");
    for (const role of [task, execution]) {
      const codes = role?.findings.map((f) => f.code) ?? [];
      expect(
        codes.filter((c) => roleMixFindings.includes(c)),
        role?.roleArn,
      ).toEqual([]);
    }
  });
});
