import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authorizationDetailsChunks } from "../../test/support/authorization-details.js";
import { tempDir } from "../../test/support/db.js";
import { captureOutput } from "../../test/support/output.js";
import { ACCOUNT, allowDocument, writeOrgDirectory } from "../../test/support/policy-events.js";
import { openDb } from "../db/client.js";
import { runCli } from "./run-cli.js";

const output = captureOutput();

function detailsFile(dir: string, extra = ""): string {
  const path = join(dir, "details.json");
  let text = [
    ...authorizationDetailsChunks({ roles: 3, users: 2, groups: 1, policies: 4, documents: "encoded" }),
  ].join("");
  if (extra) text = text.replace('"RoleDetailList":[', `"RoleDetailList":[${extra},`);
  writeFileSync(path, text);
  return path;
}

const imports = (db: string) =>
  openDb({ path: db })
    .$client.prepare("SELECT kind, subject, ref, captured_at AS at FROM policy_imports")
    .all();

describe("deniedby import iam", () => {
  it("stores the account's roles and policies once, with the capture time given", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    const file = detailsFile(dir);
    expect(await runCli(["import", "iam", file, "--db", db, "--at", "2026-03-01T00:00:00Z"])).toBe(0);
    expect(output.stdout).toContain(
      `imported iam ${ACCOUNT} from ${file} (import 1, captured 2026-03-01T00:00:00.000Z): 3 roles, 2 users, 1 groups, 4 policies`,
    );
    expect(await runCli(["import", "iam", file, "--db", db, "--format", "json"])).toBe(0);
    expect(JSON.parse(output.stdout.trim().split("\n").at(-1) ?? "")).toMatchObject({
      kind: "iam",
      id: 1,
      created: false,
    });
    expect(imports(db)).toEqual([
      { kind: "iam", subject: ACCOUNT, ref: file, at: Date.parse("2026-03-01T00:00:00Z") },
    ]);
  });

  it("sets a bad entry aside with its place, keeps the rest and exits 1", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    const file = detailsFile(dir, JSON.stringify({ RoleName: "broken" }));
    expect(await runCli(["import", "iam", file, "--db", db])).toBe(1);
    expect(output.stdout).toContain("3 roles");
    expect(output.stdout).toContain("set aside: 1");
    expect(output.stderr).toContain("RoleDetailList[0] (broken): import.invalid_authorization_details");
  });

  it("refuses a file that is not the command's output, storing nothing", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    writeFileSync(join(dir, "other.json"), '{"Records": []}');
    expect(await runCli(["import", "iam", join(dir, "other.json"), "--db", db])).toBe(1);
    expect(output.stderr).toContain("import.not_authorization_details");
    expect(imports(db)).toEqual([]);
  });
});

describe("deniedby import org and resource-policy", () => {
  it("stores an organisation directory, or that there is none", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    writeOrgDirectory(join(dir, "org"), {
      organizationId: "o-a1b2c3d4e5",
      managementAccount: "999988887777",
      root: "r-ab12",
      ous: { "ou-ab12-11111111": "r-ab12" },
      accounts: { [ACCOUNT]: "ou-ab12-11111111" },
      policies: [
        {
          id: "p-FullAWSAccess",
          name: "FullAWSAccess",
          type: "SERVICE_CONTROL_POLICY",
          document: allowDocument("*"),
          targets: ["r-ab12"],
        },
      ],
    });
    expect(await runCli(["import", "org", join(dir, "org"), "--db", db])).toBe(0);
    expect(output.stdout).toContain("1 accounts, 1 ous, 1 scps, 0 rcps");
    expect(await runCli(["import", "org", "--none", "--db", db])).toBe(0);
    expect(imports(db).map((i) => (i as { kind: string }).kind)).toEqual(["org", "org-none"]);
  });

  it("stores one resource's policy from the service's own output, and refuses an ARN it does not hold", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    writeFileSync(
      join(dir, "p.json"),
      JSON.stringify({
        Policy: JSON.stringify({
          ...allowDocument("s3:GetObject"),
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
        }),
      }),
    );
    const args = [
      "import",
      "resource-policy",
      "arn:aws:s3:::acme-data",
      join(dir, "p.json"),
      "--account",
      ACCOUNT,
      "--db",
      db,
    ];
    expect(await runCli(args)).toBe(0);
    expect(output.stdout).toContain("imported resource-policy arn:aws:s3:::acme-data");
    expect(
      await runCli([
        "import",
        "resource-policy",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t",
        join(dir, "p.json"),
        "--db",
        db,
      ]),
    ).toBe(1);
    expect(output.stderr).toContain("import.invalid_resource_policy");
  });

  it("exits 2 on a wrong command line, before opening any database", async () => {
    const dir = tempDir();
    const db = join(dir, "x.db");
    expect(await runCli(["import", "--db", db])).toBe(2);
    expect(await runCli(["import", "iam", "--db", db])).toBe(2);
    expect(await runCli(["import", "iam", join(dir, "missing.json"), "--db", db])).toBe(2);
    expect(output.stderr).toContain("no such file or directory");
    expect(await runCli(["import", "iam", dir, "--db", db])).toBe(2);
    expect(await runCli(["import", "iam", "--none", "--db", db])).toBe(2);
    expect(await runCli(["import", "org", dir, "--at", "yesterday", "--db", db])).toBe(2);
    expect(
      await runCli(["import", "resource-policy", "arn:aws:s3:::b", dir, "--account", "12", "--db", db]),
    ).toBe(2);
    expect(existsSync(db)).toBe(false);
  });
});
