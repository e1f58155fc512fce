import { describe, expect, it } from "vitest";
import { type FixtureCase, loadFixtureCases } from "../../test/support/classify-fixtures.js";
import { classifyRoles } from "./classify.js";
import type { ClassifierInput, SessionObservation } from "./classify.types.js";

const cases = loadFixtureCases();

/** One role_sessions row for `roleArn`: a role known only from its sessions. */
function sessionOf(roleArn: string, sessionShape = "other", sampleSession = "s"): SessionObservation {
  return {
    roleArn,
    sessionShape,
    ec2RoleDelivery: "",
    federatedProvider: "",
    invokedBy: "",
    sampleSession,
    calls: 1,
    firstSeen: 0,
    lastSeen: 0,
  };
}

function reversed(input: ClassifierInput): ClassifierInput {
  return {
    evidence: [...input.evidence].reverse(),
    sessions: [...input.sessions].reverse(),
    usage: [...input.usage].reverse(),
    denials: [...input.denials].reverse(),
    ...(input.chains ? { chains: [...input.chains].reverse() } : {}),
  };
}

describe("classifyRoles fixture cases", () => {
  it("has cases for every fixture file", () => {
    expect(new Set(cases.map((c) => c.file))).toEqual(
      new Set(["conflicts.json", "ec2.json", "ecs.json", "other-kinds.json", "service-roles.json"]),
    );
  });

  it.each(cases.map((c): [string, FixtureCase] => [`${c.file}: ${c.name}`, c]))("%s", (_label, c) => {
    const catalog = classifyRoles(c.input);
    const primaryChecked = new Set<string>();
    for (const x of c.expect) {
      const entry = catalog.find((e) => e.roleArn === x.roleArn);
      expect(
        entry,
        `no entry for ${x.roleArn}; got ${catalog.map((e) => e.roleArn).join(", ")}`,
      ).toBeDefined();
      if (!entry) continue;
      const summary = JSON.stringify(entry.kinds.map((k) => [k.kind, k.evidence.map((e) => e.signal)]));
      if (!primaryChecked.has(x.roleArn)) {
        expect(entry.kinds[0]?.kind, summary).toBe(x.kind);
        primaryChecked.add(x.roleArn);
      }
      const assessment = entry.kinds.find((k) => k.kind === x.kind);
      expect(assessment, summary).toBeDefined();
      expect(
        assessment?.evidence.map((e) => e.signal),
        summary,
      ).toContain(x.signal);
      if (x.kinds) expect(entry.kinds.map((k) => k.kind).sort()).toEqual([...x.kinds].sort());
      if (x.dualUse !== undefined) expect(entry.dualUse).toBe(x.dualUse);
      if (x.service !== undefined) expect(assessment?.service, summary).toBe(x.service);
      if (x.assumedBy !== undefined) expect(assessment?.assumedBy, summary).toEqual(x.assumedBy);
      for (const k of x.absentKinds ?? [])
        expect(
          entry.kinds.map((a) => a.kind),
          summary,
        ).not.toContain(k);
      const allSignals = entry.kinds.flatMap((k) => k.evidence.map((e) => e.signal));
      for (const s of x.absentSignals ?? []) expect(allSignals, summary).not.toContain(s);
      if (x.maxWeight !== undefined) {
        const weights = assessment?.evidence.filter((e) => e.signal === x.signal).map((e) => e.weight) ?? [];
        for (const w of weights) expect(w).toBeLessThanOrEqual(x.maxWeight + 1e-9);
      }
    }
    // Deterministic whatever the order the store hands the rows over in.
    expect(classifyRoles(reversed(c.input))).toEqual(catalog);
  });
});

describe("classifyRoles output", () => {
  it("sorts entries by role ARN and gives confidences between 0 and 1, best kind first", () => {
    const all: ClassifierInput = { evidence: [], sessions: [], usage: [], denials: [] };
    for (const c of cases) {
      all.evidence.push(...c.input.evidence);
      all.sessions.push(...c.input.sessions);
      all.usage.push(...c.input.usage);
      all.denials.push(...c.input.denials);
    }
    const catalog = classifyRoles(all);
    const arns = catalog.map((e) => e.roleArn);
    expect(arns).toEqual([...arns].sort());
    expect(new Set(arns).size).toBe(arns.length);
    for (const entry of catalog) {
      expect(entry.kinds.length).toBeGreaterThan(0);
      for (const k of entry.kinds) {
        expect(k.confidence).toBeGreaterThanOrEqual(0);
        expect(k.confidence).toBeLessThanOrEqual(1);
        const weights = k.evidence.map((e) => e.weight);
        expect(weights).toEqual([...weights].sort((a, b) => b - a));
      }
      const tops = entry.kinds.map((k) => k.evidence[0]?.weight ?? 0);
      expect(tops).toEqual([...tops].sort((a, b) => b - a));
    }
  });

  it("lists a signal once per kind when a member and its family both carry it", () => {
    const attach = (policy: string, id: string) => ({
      eventID: id,
      eventTime: "2026-11-16T09:00:00Z",
      eventSource: "iam.amazonaws.com",
      eventName: "AttachRolePolicy",
      recipientAccountId: "111122223333",
      requestParameters: { roleName: "host", policyArn: `arn:aws:iam::aws:policy/${policy}` },
    });
    const [entry] = classifyRoles({
      evidence: [
        attach("service-role/AmazonEC2ContainerServiceforEC2Role", "a"),
        attach("AmazonSSMManagedInstanceCore", "b"),
      ],
      sessions: [],
      usage: [],
      denials: [],
    });
    const kind = entry?.kinds.find((k) => k.kind === "ecs-container-instance");
    expect(kind?.evidence.filter((e) => e.signal === "policy.managed")).toEqual([
      expect.objectContaining({
        detail: expect.stringMatching(/AmazonEC2ContainerServiceforEC2Role; AmazonSSMManagedInstanceCore$/),
      }),
    ]);
  });

  it("returns an empty catalogue for empty input", () => {
    expect(classifyRoles({ evidence: [], sessions: [], usage: [], denials: [] })).toEqual([]);
  });
  it.each([
    ["AWSReservedSSO_Admin_0123456789abcdef", "sso"],
    ["AWSServiceRoleForECS", "service-linked"],
    ["orders-task-exec", "ecs-task-execution"],
    ["orders-execution-role", "ecs-task-execution"],
    ["orders-exec-role", "ecs-task-execution"],
    ["orders-exec", "ecs-task-execution"],
    ["orders-task-role", "ecs-task"],
    ["EcsTaskOrders", "ecs-task"],
    ["ecs-instance-prod", "ecs-container-instance"],
    ["containerInstance", "ecs-container-instance"],
    ["ecsServiceRole", "ecs-service"],
    ["ecsEventsRole", "ecs-events"],
    ["nightly-events-role", "ecs-events"],
    ["EventBridgeInvoke", "ecs-events"],
    ["ecsAutoscaleRole", "ecs-autoscale"],
    ["app-autoscale-role", "ecs-autoscale"],
    ["CodeDeployECS", "ecs-codedeploy"],
    ["resize-lambda", "lambda"],
    ["orders-irsa", "eks-irsa"],
    ["orders-pod-identity", "eks-pod-identity"],
    ["bastion-instance-role", "ec2-instance"],
    ["web-instance-profile", "ec2-instance"],
    ["EC2Builder", "ec2-instance"],
  ])("takes the name %s as a hint of %s when nothing else is known", (name, kind) => {
    const arn = `arn:aws:iam::111122223333:role/${name}`;
    const [entry] = classifyRoles({
      evidence: [],
      sessions: [sessionOf(arn)],
      usage: [],
      denials: [],
    });
    expect(entry?.kinds[0]?.kind).toBe(kind);
    expect(entry?.kinds[0]?.evidence.map((e) => e.signal)).toContain("name.hint");
  });

  it("takes no hint from a name that says nothing", () => {
    const [entry] = classifyRoles({
      evidence: [],
      sessions: [sessionOf("arn:aws:iam::111122223333:role/bench-42")],
      usage: [],
      denials: [],
    });
    expect(entry?.kinds).toEqual([expect.objectContaining({ kind: "unknown" })]);
  });
  it("shows the three smallest of many details, sorted, and counts the rest, whatever order the calls come in", () => {
    const arn = "arn:aws:iam::111122223333:role/orders";
    const names = ["Query", "GetItem", "PutItem", "BatchWriteItem", "UpdateItem", "DeleteItem"];
    const details = (order: string[]) => {
      const [entry] = classifyRoles({
        evidence: [],
        sessions: [sessionOf(arn, "ecs-task-id", "0123456789abcdef0123456789abcdef")],
        usage: order.map((eventName) => ({
          roleArn: arn,
          eventSource: "dynamodb.amazonaws.com",
          eventName,
          calls: 1,
          userAgents: ["aws-sdk-js/3.654.0 exec-env/AWS_ECS_FARGATE"],
          firstSeen: 0,
          lastSeen: 0,
        })),
        denials: [],
      });
      return entry?.kinds[0]?.evidence.find((e) => e.signal === "usage.app-calls")?.detail;
    };
    const expected = expect.stringMatching(
      /: dynamodb:BatchWriteItem; dynamodb:DeleteItem; dynamodb:GetItem \(\+3 more\)$/,
    );
    expect(details(names)).toEqual(expected);
    expect(details([...names].reverse())).toEqual(expected);
    expect(details([names[3], names[0], names[5], names[1], names[4], names[2]] as string[])).toEqual(
      expected,
    );
  });
});
