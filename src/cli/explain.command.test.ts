import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { awslogs, logsDataMessage, lookupEvent, lookupEventsOutput } from "../../test/support/envelopes.js";
import { explainCase } from "../../test/support/explain-cases.js";
import { loadScenario, scenarioDir, scenarioLabels } from "../../test/support/scenario.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { explainDenial } from "../explain/explain.js";
import { denialsCommand } from "./denials.command.js";
import { explainCommand } from "./explain.command.js";

const secretRead = explainCase(
  "Fargate execution role cannot read a task-definition secret (identity policy)",
).record;
const layerPull = explainCase(
  "Image layer pull denied to the execution role, kind inferred from the trail",
).record;

function capture(): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  return { out: () => out, err: () => err };
}

describe("explain command", () => {
  afterEach(() => vi.restoreAllMocks());
  const dir = mkdtempSync(join(tmpdir(), "deniedby-explain-"));
  const missingDb = join(dir, "none.db");

  it("explains a {Records} file as one JSON object per line with the fixed fields", async () => {
    const file = join(dir, "trail.json");
    const first = secretRead;
    const success = { ...first, eventID: "ok-1", errorCode: undefined, errorMessage: undefined };
    writeFileSync(file, JSON.stringify({ Records: [first, success] }));
    const io = capture();
    expect(await explainCommand([file, "--db", missingDb])).toBe(0);
    const lines = io.out().trim().split("\n");
    expect(lines).toHaveLength(1);
    const obj = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    for (const k of [
      "eventId",
      "eventTime",
      "principal",
      "action",
      "actionSource",
      "resource",
      "deniedBy",
      "explicitDeny",
      "policyArn",
      "fix",
      "summary",
      "incidentId",
      "noise",
    ])
      expect(obj).toHaveProperty(k);
    expect(obj.action).toBe("secretsmanager:GetSecretValue");
    // The line is the explanation the API serves, every field in order (before, the CLI restated a subset).
    expect(lines[0]).toBe(JSON.stringify(explainDenial(first)));
    expect(io.err()).toContain("not an access denial");
  });

  it("accepts an EventBridge event", async () => {
    const file = join(dir, "eb.json");
    writeFileSync(
      file,
      JSON.stringify({
        "detail-type": "AWS API Call via CloudTrail",
        source: "aws.s3",
        detail: layerPull,
      }),
    );
    const io = capture();
    expect(await explainCommand([file, "--db", missingDb, "--format", "table"])).toBe(0);
    expect(io.out()).toContain("ecr:BatchGetImage");
  });

  it("accepts lookup-events output, a CloudWatch Logs message and the gzipped awslogs envelope", async () => {
    const inputs: [string, unknown][] = [
      ["lookup.json", lookupEventsOutput([layerPull, secretRead])],
      [
        "lookup-lines.json",
        `${JSON.stringify(lookupEvent(layerPull))}\n${JSON.stringify(lookupEvent(secretRead))}\n`,
      ],
      ["logs.json", logsDataMessage([layerPull, secretRead])],
      ["awslogs.json", awslogs(logsDataMessage([layerPull, secretRead]))],
    ];
    for (const [name, body] of inputs) {
      const file = join(dir, name);
      writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
      const io = capture();
      expect(await explainCommand([file, "--db", missingDb])).toBe(0);
      const ids = io
        .out()
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { eventId: string }).eventId);
      expect(ids, name).toEqual([layerPull.eventID, secretRead.eventID]);
      vi.restoreAllMocks();
    }
  });

  it("exits 2 on bad usage", async () => {
    capture();
    expect(await explainCommand([])).toBe(2);
    expect(await explainCommand(["a", "--format", "xml"])).toBe(2);
    expect(await explainCommand(["a", "--bogus"])).toBe(2);
    expect(await explainCommand(["a", "--message", "User is not authorized"])).toBe(2);
    expect(await explainCommand(["--message", "  "])).toBe(2);
    expect(await explainCommand(["a", "--service", "s3"])).toBe(2);
  });

  it("explains a pasted message with --message, using the stored catalogue for the role it names", async () => {
    const dbPath = join(dir, "catalogue.db");
    const db = openDb({ path: dbPath });
    createStore(db).catalog.save([
      {
        roleArn: "arn:aws:iam::123456789012:role/delivery/partner-uploader",
        accountId: "123456789012",
        roleName: "partner-uploader",
        kinds: [
          {
            kind: "chained-role",
            confidence: 0.7,
            evidence: [],
            assumedBy: ["arn:aws:iam::123456789012:role/checkout-task-role"],
          },
        ],
        dualUse: false,
        firstSeen: null,
        lastSeen: null,
      },
    ]);
    db.$client.close();
    const message =
      'An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::123456789012:assumed-role/partner-uploader/0123456789abcdef0123456789abcdef is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::partner-dropbox/in/orders.csv" because no identity-based policy allows the s3:PutObject action';
    const io = capture();
    expect(await explainCommand(["--message", message, "--db", dbPath])).toBe(0);
    const e = JSON.parse(io.out().trim()) as ReturnType<typeof explainDenial>;
    expect(e.principal).toMatchObject({
      kind: "chained-role",
      roleArn: "arn:aws:iam::123456789012:role/delivery/partner-uploader",
      assumedBy: ["arn:aws:iam::123456789012:role/checkout-task-role"],
    });
    expect(e.fix.target).toBe("chained-role");
    expect(e.caveats.map((c) => c.code)).toContain("message-only");
    // Without the catalogue the session's task-ID name reads as an ECS task role, from the ARN alone.
    const bare = capture();
    expect(await explainCommand(["--message", message, "--db", missingDb, "--format", "table"])).toBe(0);
    expect(bare.out()).toContain("ecs-task");
  });
});

describe("denials command", () => {
  afterEach(() => vi.restoreAllMocks());
  it("exits 2 on a bad kind or time, and lists an empty database", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "deniedby-denials-")), "d.db");
    openDb({ path: db }).$client.close();
    const io = capture();
    expect(await denialsCommand(["--db", db, "--kind", "martian"])).toBe(2);
    expect(await denialsCommand(["--db", db, "--since", "yesterday-ish"])).toBe(2);
    // The API's parser (src/shared/time.ts): a day the calendar lacks is refused, not rolled over into March.
    expect(await denialsCommand(["--db", db, "--since", "2026-02-30"])).toBe(2);
    expect(await denialsCommand(["--db", db, "--format", "json", "--since", "2026-11-16"])).toBe(0);
    expect(await denialsCommand(["--db", db, "--format", "json", "--since", "7d"])).toBe(0);
    expect(io.out()).toBe("");
  });

  it("exits 1 without creating a database that does not exist, as roles and report do", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "deniedby-denials-")), "missing.db");
    const io = capture();
    expect(await denialsCommand(["--db", db])).toBe(1);
    expect(io.err()).toMatch(/no database at/);
    expect(existsSync(db)).toBe(false);
  });
});

describe("the policy model in the command line's answers", () => {
  afterEach(() => vi.restoreAllMocks());
  const scpDenial = Object.entries(scenarioLabels.denials).find(([, l]) => l.deniedBy === "scp")?.[0] ?? "";

  it("shows the deciding statement in `denials --format json` and in `explain`'s table, from the stored model", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "deniedby-model-")), "d.db");
    const db = openDb({ path });
    await loadScenario(db);
    db.$client.close();
    const listed = capture();
    expect(
      await denialsCommand(["--db", path, "--format", "json", "--limit", "500", "--include-noise"]),
    ).toBe(0);
    const scp = listed
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { eventId: string; evaluation: { decidedBy: { sid: string } | null } })
      .find((e) => e.eventId === scpDenial);
    expect(scp?.evaluation.decidedBy?.sid).toBe("DenyPublicAcls");
    vi.restoreAllMocks();

    const trail = JSON.parse(
      readFileSync(
        join(scenarioDir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json"),
        "utf8",
      ),
    ) as { Records: { eventID: string }[] };
    const file = join(mkdtempSync(join(tmpdir(), "deniedby-one-")), "one.json");
    writeFileSync(file, JSON.stringify(trail.Records.find((r) => r.eventID === scpDenial)));
    const io = capture();
    expect(await explainCommand([file, "--db", path, "--format", "table"])).toBe(0);
    expect(io.out()).toContain(
      "policy model: explicit deny in the service control policy deny-public-objects",
    );
    expect(io.out()).toContain("(Sid DenyPublicAcls)");
    // Both changes (the SCP, and the role's own grant the model finds missing too), verified together.
    expect(io.out()).toContain("fix verified: allowed");
    expect(io.out()).toContain("Two changes. First: An organization policy denied the call.");
    expect(io.out()).toContain("--policy-name deniedby-billing-ecsTaskExecutionRole");
  });
});
