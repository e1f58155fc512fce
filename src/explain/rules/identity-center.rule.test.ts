import { describe, expect, it } from "vitest";
import { loadExplainCases } from "../../../test/support/explain-cases.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { explainDenial } from "../explain.js";

const ssoCases = loadExplainCases().filter((c) => c.rule === "identity-center");

describe("Identity Center fixes", () => {
  it("never write put-role-policy on the generated role, and always re-provision the permission set", () => {
    expect(ssoCases.length).toBeGreaterThanOrEqual(3);
    for (const c of ssoCases) {
      const commands = explainDenial(c.record, c.context ?? {}).fix.commands.join("\n");
      expect(commands, c.name).not.toContain("put-role-policy");
      expect(commands, c.name).toContain("aws sso-admin put-inline-policy-to-permission-set");
      expect(commands, c.name).toContain("aws sso-admin provision-permission-set");
    }
  });

  it("give the statement to merge into the permission set's inline policy", () => {
    const c = ssoCases.find((x) => x.name.startsWith("An Identity Center user's gap"));
    if (!c) throw new Error("case missing");
    const e = explainDenial(c.record);
    expect(e.fix.policy?.Statement[0]).toMatchObject({ Action: "s3:GetObject", Effect: "Allow" });
    const put = e.fix.commands.find((x) => x.includes("put-inline-policy-to-permission-set"));
    expect(put).toContain('"Action":"s3:GetObject"');
    expect(e.fix.commands.join("\n")).toContain("--target-id 123456789012");
  });

  it("hold when an earlier rule decides an Identity Center user's fix (iam:PassRole)", () => {
    const c = ssoCases.find((x) => x.name.startsWith("An Identity Center user's gap"));
    if (!c) throw new Error("case missing");
    const session = String(c.record.userIdentity?.arn);
    const record: CloudTrailRecord = {
      ...c.record,
      eventSource: "ecs.amazonaws.com",
      eventName: "RunTask",
      errorMessage: `User: ${session} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/web-task-role because no identity-based policy allows the iam:PassRole action`,
    };
    const e = explainDenial(record);
    expect(e.fix.reason).toBe("pass-role");
    expect(e.fix.commands.join("\n")).not.toContain("put-role-policy");
    expect(e.fix.commands.join("\n")).toContain("put-inline-policy-to-permission-set");
  });
});
