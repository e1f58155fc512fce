import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureOutput } from "../../test/support/output.js";
import { openDb } from "../db/client.js";
import { roleSessions, usageDaily } from "../db/schema.js";
import { rolesCommand } from "./roles.command.js";

const A = "111122223333";
let dir: string;
let dbPath: string;
const output = captureOutput();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "deniedby-roles-"));
  dbPath = join(dir, "t.db");
  const db = openDb({ path: dbPath });
  const base = {
    ec2RoleDelivery: "",
    federatedProvider: "",
    invokedBy: "",
    calls: 1,
    firstSeen: 1,
    lastSeen: 2,
  };
  db.insert(roleSessions)
    .values([
      {
        ...base,
        roleArn: `arn:aws:iam::${A}:role/web-host`,
        sessionShape: "ec2-instance-id",
        sampleSession: "i-0a1b2c3d4e5f60718",
        ec2RoleDelivery: "2.0",
      },
      {
        ...base,
        roleArn: `arn:aws:iam::${A}:role/orders-irsa`,
        sessionShape: "sdk-default",
        sampleSession: "botocore-session-1",
        federatedProvider: `arn:aws:iam::${A}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`,
      },
    ])
    .run();
  db.insert(usageDaily)
    .values({
      day: "2026-11-16",
      principalArn: `arn:aws:iam::${A}:user/ci-deployer`,
      principalType: "IAMUser",
      roleArn: null,
      accountId: A,
      eventSource: "ecs.amazonaws.com",
      eventName: "DescribeServices",
      resource: "",
      calls: 1,
      errors: 0,
      firstSeen: 1,
      lastSeen: 1,
      userAgents: "[]",
    })
    .run();
  db.$client.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("deniedby roles", () => {
  it("prints an aligned table with kind and confidence first", async () => {
    expect(await rolesCommand(["--db", dbPath])).toBe(0);
    const [header, rule, ...rows] = output.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^KIND\s+CONF\s+DUAL/);
    expect(rule).toMatch(/^-+( +-+)+$/);
    const lines = [header ?? "", ...rows];
    expect(lines).toHaveLength(4);
    const kindCol = lines.map((l) => l.split(/\s+/)[0]);
    expect(kindCol.slice(1).sort()).toEqual(["ec2-instance", "eks-irsa", "iam-user"]);
    // Aligned: the CONF column starts at the same offset on every line.
    const offsets = lines.map((l) => l.search(/CONF|\d\.\d\d/));
    expect(new Set(offsets).size).toBe(1);
  });

  it("prints one JSON object per line with --format json", async () => {
    expect(await rolesCommand(["--db", dbPath, "--format", "json"])).toBe(0);
    const entries = output.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { roleArn: string; kinds: { kind: string }[] });
    expect(entries.map((e) => e.roleArn)).toEqual([
      `arn:aws:iam::${A}:role/orders-irsa`,
      `arn:aws:iam::${A}:role/web-host`,
      `arn:aws:iam::${A}:user/ci-deployer`,
    ]);
    expect(entries[0]?.kinds[0]?.kind).toBe("eks-irsa");
  });

  it("filters on the leading kind", async () => {
    expect(await rolesCommand(["--db", dbPath, "--format", "json", "--kind", "iam-user"])).toBe(0);
    expect(output.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("exits 2 with a message on bad usage", async () => {
    expect(await rolesCommand(["--db", dbPath, "--format", "yaml"])).toBe(2);
    expect(output.stderr).toMatch(/--format must be table or json/);
    expect(await rolesCommand(["--nope"])).toBe(2);
    expect(await rolesCommand(["extra"])).toBe(2);
    expect(output.stdout).toBe("");
  });

  it("exits 1 without creating a database that does not exist", async () => {
    expect(await rolesCommand(["--db", join(dir, "missing.db")])).toBe(1);
    expect(output.stderr).toMatch(/no database/);
  });
});
