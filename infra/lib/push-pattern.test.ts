import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { denialCodes, isDenial } from "../../src/cloudtrail/denial.js";
import { evidenceEventNames } from "../../src/cloudtrail/evidence.js";

interface Template {
  Parameters: Record<string, { NoEcho?: boolean }>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
const template = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../infra/eventbridge-push/template.json"), "utf8"),
) as Template;
const resource = (name: string) => {
  const r = template.Resources[name];
  if (!r) throw new Error(`template has no ${name}`);
  return r.Properties;
};
const pattern = resource("Rule").EventPattern as Record<string, unknown>;

/**
 * The subset of EventBridge pattern matching the template uses: exact strings, prefix, suffix, wildcard (*),
 * exists, nested objects and $or. Missing fields match only {"exists": false}.
 */
function matchValue(rules: unknown[], value: unknown): boolean {
  return rules.some((rule) => {
    if (typeof rule === "string") return value === rule;
    const r = rule as { prefix?: string; suffix?: string; wildcard?: string; exists?: boolean };
    if (r.exists !== undefined) return r.exists === (value !== undefined);
    if (typeof value !== "string") return false;
    if (r.prefix !== undefined) return value.startsWith(r.prefix);
    if (r.suffix !== undefined) return value.endsWith(r.suffix);
    if (r.wildcard !== undefined)
      return new RegExp(
        `^${r.wildcard
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ).test(value);
    return false;
  });
}

function matches(p: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(p).every(([key, rule]) => {
    if (key === "$or") return (rule as Record<string, unknown>[]).some((branch) => matches(branch, event));
    if (Array.isArray(rule)) return matchValue(rule, event[key]);
    const nested = event[key];
    return matches(
      rule as Record<string, unknown>,
      typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>) : {},
    );
  });
}

const event = (detail: Record<string, unknown>) => ({
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.ecs",
  detail: { eventSource: "ecs.amazonaws.com", userIdentity: { type: "AssumedRole" }, ...detail },
});

describe("infra/eventbridge-push", () => {
  it("forwards every error code deniedby counts as a denial, and what the datasets show", () => {
    for (const code of [...denialCodes, "AccessDenied", "Client.UnauthorizedOperation", "VpceAccessDenied"]) {
      expect(matches(pattern, event({ eventName: "GetObject", errorCode: code })), code).toBe(true);
      expect(isDenial(code, undefined), code).toBe(true);
    }
    const kms = event({
      eventName: "GetSecretValue",
      errorCode: "AccessDeniedException",
      errorMessage: "Access to KMS is not allowed",
    });
    expect(matches(pattern, kms)).toBe(true);
  });

  it("does not forward failures that are not denials", () => {
    for (const code of [
      "ThrottlingException",
      "NoSuchBucket",
      "ExpiredToken",
      "ValidationException",
      "Client.InvalidInstanceID.NotFound",
    ]) {
      expect(matches(pattern, event({ eventName: "DescribeInstances", errorCode: code })), code).toBe(false);
      expect(isDenial(code, "something else"), code).toBe(false);
    }
    expect(
      matches(pattern, event({ eventName: "RegisterTaskDefinition", errorCode: "ClientException" })),
    ).toBe(false);
  });

  it("forwards every successful evidence event the classifier reads, and no ordinary success", () => {
    for (const name of evidenceEventNames) {
      const eventName = name.slice(name.indexOf(":") + 1);
      const eventSource = `${name.slice(0, name.indexOf(":"))}.amazonaws.com`;
      expect(matches(pattern, event({ eventName, eventSource })), name).toBe(true);
    }
    expect(
      matches(pattern, event({ eventName: "AddPermission20150331v2", eventSource: "lambda.amazonaws.com" })),
    ).toBe(true);
    expect(
      matches(pattern, event({ eventName: "CreateFunction20150331", eventSource: "lambda.amazonaws.com" })),
    ).toBe(true);
    expect(matches(pattern, event({ eventName: "AssumeRole", userIdentity: { type: "AWSService" } }))).toBe(
      true,
    );
    expect(matches(pattern, event({ eventName: "AssumeRole", userIdentity: { type: "IAMUser" } }))).toBe(
      false,
    );
    expect(matches(pattern, event({ eventName: "DescribeTasks" }))).toBe(false);
  });

  it("stays within EventBridge's 4,096-character event pattern", () => {
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(4096);
  });

  it("posts to /v1/events with the bearer token, kept secret, through a role that may only invoke it", () => {
    expect(resource("Rule").State).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    expect(resource("Destination")).toMatchObject({
      HttpMethod: "POST",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
      InvocationEndpoint: { "Fn::Sub": "${DeniedbyUrl}/v1/events" },
    });
    expect(resource("Connection")).toMatchObject({
      AuthorizationType: "API_KEY",
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: "Authorization",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
          ApiKeyValue: { "Fn::Sub": "Bearer ${DeniedbyToken}" },
        },
      },
    });
    expect(template.Parameters.DeniedbyToken?.NoEcho).toBe(true);
    const policies = resource("InvokeRole").Policies as { PolicyDocument: { Statement: unknown[] } }[];
    expect(policies.flatMap((p) => p.PolicyDocument.Statement)).toEqual([
      {
        Effect: "Allow",
        Action: "events:InvokeApiDestination",
        Resource: { "Fn::GetAtt": ["Destination", "Arn"] },
      },
    ]);
  });
});
