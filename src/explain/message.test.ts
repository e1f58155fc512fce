import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kindFromArn } from "../classify/arn-kind.js";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { parseAccessDenied } from "../cloudtrail/access-denied.js";
import { explainMessage, MESSAGE_EVENT_ID } from "./message.js";

const A = "123456789012";
const TASK = "a20b735e9bbc41598825b6f0269f6fef";

const corpus = JSON.parse(
  readFileSync(new URL("../../test/fixtures/messages/corpus.json", import.meta.url), "utf8"),
) as {
  cases: { id: string; message: string; context?: { service?: string }; expect: { kind: string | null } }[];
};

const caveats = (e: ReturnType<typeof explainMessage>) => e.caveats.map((c) => c.code);

describe("explaining a pasted message", () => {
  it("explains the text alone with the one explainer, and says what it could not know", () => {
    const e = explainMessage({
      message: `User: arn:aws:sts::${A}:assumed-role/web-task-role/${TASK} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:${A}:table/orders because no identity-based policy allows the dynamodb:PutItem action`,
    });
    expect(e.eventId).toBe(MESSAGE_EVENT_ID);
    expect(e).toMatchObject({
      action: "dynamodb:PutItem",
      resource: `arn:aws:dynamodb:eu-west-1:${A}:table/orders`,
      deniedBy: "identity",
      principal: { kind: "ecs-task", confidence: 0.6, roleArn: `arn:aws:iam::${A}:role/web-task-role` },
    });
    expect(e.fix.target).toBe("ecs-task");
    expect(e.fix.commands[0]).toMatch(/^aws iam get-role-policy --role-name web-task-role /);
    expect(e.fix.commands[1]).toMatch(/^aws iam put-role-policy --role-name web-task-role /);
    expect(caveats(e)).toContain("message-only");
    expect(caveats(e)).not.toContain("message-no-resource");
    expect(caveats(e)).not.toContain("no-enhanced-message");
  });

  it("uses the stored catalogue when it knows the role, found by name from the session (path and all)", () => {
    const entry: RoleCatalogEntry = {
      roleArn: `arn:aws:iam::${A}:role/service-role/config-recorder`,
      accountId: A,
      roleName: "config-recorder",
      kinds: [{ kind: "service-role", confidence: 0.7, evidence: [], service: "config.amazonaws.com" }],
      dualUse: false,
      firstSeen: null,
      lastSeen: null,
    };
    const asked: string[] = [];
    const catalog = (arn: string) => {
      asked.push(arn);
      return arn.endsWith(":role/config-recorder") || arn === entry.roleArn ? entry : undefined;
    };
    const e = explainMessage(
      {
        message: `An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::${A}:assumed-role/config-recorder/AWSConfig-Describe is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::config-bucket/AWSLogs/x" because no identity-based policy allows the s3:PutObject action`,
      },
      { catalog },
    );
    expect(asked[0]).toBe(`arn:aws:iam::${A}:role/config-recorder`);
    expect(e.principal).toMatchObject({
      kind: "service-role",
      roleArn: entry.roleArn,
      service: "config.amazonaws.com",
    });
    expect(e.fix).toMatchObject({ target: "service-role", roleArn: entry.roleArn });
    expect(e.summary).toContain("which config.amazonaws.com assumes");
  });

  it("says when the message names no principal and no resource", () => {
    const e = explainMessage({ message: "User is not authorized to perform: rds:ModifyDBInstance" });
    expect(e.action).toBe("rds:ModifyDBInstance");
    expect(e.principal.kind).toBe("unknown");
    expect(caveats(e)).toEqual(
      expect.arrayContaining(["message-only", "message-no-principal", "message-no-resource"]),
    );
    expect(e.summary).toContain("; the role's kind is unknown: ");
  });

  it("maps a wrapped operation with the service the reader names", () => {
    const message =
      "An error occurred (AccessDeniedException) when calling the ListFunctions operation: Access denied";
    expect(explainMessage({ message, service: "lambda" })).toMatchObject({
      action: "lambda:ListFunctions",
      eventSource: "lambda.amazonaws.com",
    });
  });

  it("reads an Identity Center role with a redacted account and fixes its permission set", () => {
    const e = explainMessage({
      message:
        "User: arn:aws:sts::<account id>:assumed-role/AWSReservedSSO_Developers_0123456789abcdef/jane@example.com is not authorized to perform: ecs:UpdateService on resource: arn:aws:ecs:eu-west-1:<account id>:service/main/web because no identity-based policy allows the ecs:UpdateService action",
    });
    expect(e.principal.kind).toBe("sso");
    expect(e.fix.target).toBe("sso");
    const commands = e.fix.commands.join("\n");
    expect(commands).toContain("put-inline-policy-to-permission-set");
    expect(commands).toContain("permission set named Developers");
    expect(commands).not.toContain("put-role-policy");
  });

  it("gives every corpus message the kind its ARN shows, in one sentence", () => {
    let agreeWithLabels = 0;
    for (const c of corpus.cases) {
      const e = explainMessage({ message: c.message, ...c.context });
      const parsed = parseAccessDenied(
        c.message,
        null,
        c.context?.service ? { service: c.context.service } : {},
      );
      expect(e.principal.kind, c.id).toBe(kindFromArn(parsed.principalArn).kind);
      expect(e.summary, c.id).toMatch(/^\S.*[^.\s]\.$/);
      // What the message quotes is quoted as it is (one role is literally named "null").
      const own = e.summary.replace(e.resource ?? "\u0000", "<resource>");
      expect(own, c.id).not.toMatch(/undefined|\bnull\b| {2}/);
      expect(caveats(e), c.id).toContain("message-only");
      if (c.expect.kind === null || c.expect.kind === e.principal.kind) agreeWithLabels += 1;
    }
    expect(corpus.cases.length).toBeGreaterThanOrEqual(150);
    expect(agreeWithLabels / corpus.cases.length).toBeGreaterThanOrEqual(0.9);
  });
});
