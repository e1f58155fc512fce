import { describe, expect, it } from "vitest";
import { compilePolicy } from "./compile.js";
import { evaluateRequest } from "./evaluate.js";
import { inCidr, parseCidr, parseIp } from "./ip.js";
import { parseDate, parseOperator } from "./operators.js";
import { PolicyError } from "./policy.errors.js";
import { parsePolicyDocument } from "./policy.schema.js";
import { derivedContextKeys, resourceModeOf } from "./request.js";
import { parseTemplate } from "./variables.js";
import { patternChars, patternRegex } from "./wildcard.js";

function codeOf(fn: () => unknown): { code: string; issues: readonly string[] } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyError) return { code: error.code, issues: error.issues };
    throw error;
  }
  return undefined;
}

describe("policy documents from untrusted input", () => {
  it("accepts URL-encoded JSON as IAM returns it", () => {
    const text = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [] }));
    expect(parsePolicyDocument(text).Version).toBe("2012-10-17");
  });

  it("refuses text that is not JSON with policy.invalid_document", () => {
    expect(codeOf(() => parsePolicyDocument("{nope"))?.code).toBe("policy.invalid_document");
  });

  it("refuses unknown or misspelt elements and lists where", () => {
    const error = codeOf(() => parsePolicyDocument({ Statement: [{ Effect: "Allow", Actions: "s3:*" }] }));
    expect(error?.code).toBe("policy.invalid_document");
    expect(error?.issues.join(" ")).toMatch(/Statement\.0/);
  });

  it("refuses a statement with both Action and NotAction, or neither", () => {
    const both = { Statement: { Effect: "Allow", Action: "s3:*", NotAction: "ec2:*", Resource: "*" } };
    expect(codeOf(() => parsePolicyDocument(both))?.code).toBe("policy.invalid_document");
    expect(codeOf(() => parsePolicyDocument({ Statement: { Effect: "Deny", Resource: "*" } }))?.code).toBe(
      "policy.invalid_document",
    );
  });

  it("refuses a Principal in an identity policy and a resource policy without one", () => {
    const withPrincipal = { Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" } };
    const identity = codeOf(() => compilePolicy({ kind: "identity", name: "p", document: withPrincipal }));
    expect(identity?.issues).toEqual(["Statement[0]: a identity policy may not name a Principal"]);
    const bare = { Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } };
    expect(codeOf(() => compilePolicy({ kind: "resource", name: "b", document: bare }))?.code).toBe(
      "policy.invalid_document",
    );
  });

  it("refuses an unknown condition operator and a malformed action", () => {
    const doc = {
      Statement: {
        Effect: "Allow",
        Action: "s3 Get",
        Resource: "*",
        Condition: { StringSorta: { "aws:x": "y" } },
      },
    };
    const error = codeOf(() => compilePolicy({ kind: "identity", name: "p", document: doc }));
    expect(error?.issues).toHaveLength(2);
  });
});

describe("parts of the grammar", () => {
  it("splits operators into set form, base and IfExists", () => {
    const parsed = parseOperator("ForAnyValue:StringLikeIfExists");
    expect(parsed?.set).toBe("any");
    expect(parsed?.ifExists).toBe(true);
    expect(parseOperator("NullIfExists")).toBeUndefined();
    expect(parseOperator("StringSorta")).toBeUndefined();
  });

  it("reads ISO 8601 (zone-less as UTC) and epoch-second dates", () => {
    expect(parseDate("2024-06-01T12:00:00")).toBe(Date.UTC(2024, 5, 1, 12));
    expect(parseDate("1717243200")).toBe(1717243200 * 1000);
    expect(parseDate("yesterday")).toBeUndefined();
  });

  it("matches IPv4 and IPv6 blocks, never across families", () => {
    const v6 = parseIp("2001:db8::5");
    const block = parseCidr("2001:db8::/32");
    expect(v6 && block && inCidr(v6, block)).toBe(true);
    const v4 = parseIp("::ffff:10.0.0.1");
    expect(v4?.v6).toBe(true);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseIp("300.1.1.1")).toBeUndefined();
  });

  it("keeps ARN wildcards inside a segment", () => {
    const regex = patternRegex(patternChars("arn:aws:iam::*:role/x"), "arn");
    expect(regex.test("arn:aws:iam::111111111111:role/x")).toBe(true);
    expect(regex.test("arn:aws:iam::1:2:role/x")).toBe(false);
  });

  it("parses variables, defaults and escapes", () => {
    expect(parseTemplate("a/${aws:username, 'x'}/${*}", true).parts).toEqual([
      { kind: "text", text: "a/" },
      { kind: "variable", key: "aws:username", fallback: "x" },
      { kind: "text", text: "/" },
      { kind: "literal", text: "*" },
    ]);
    expect(parseTemplate("${aws:username}", false).hasVariables).toBe(false);
  });

  it("derives the keys IAM sets from the caller", () => {
    const keys = derivedContextKeys({
      principal: { kind: "user", arn: "arn:aws:iam::111111111111:user/ops/alice", account: "111111111111" },
      action: "s3:GetObject",
      resource: "*",
      resourceAccount: "222222222222",
      context: {},
    });
    expect(keys).toMatchObject({
      "aws:username": "alice",
      "aws:PrincipalType": "User",
      "aws:ResourceAccount": "222222222222",
    });
  });

  it("knows which resource-side policy a request meets", () => {
    expect(resourceModeOf("kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key/k")).toBe("key");
    expect(resourceModeOf("kms:ListKeys", "*")).toBe("resource");
    expect(resourceModeOf("STS:AssumeRole", "arn:aws:iam::1:role/r")).toBe("trust");
  });
});

describe("the evaluation answer", () => {
  it("evaluates wildcard-only actions against * when action facts say so", () => {
    const identity = compilePolicy({
      kind: "identity",
      name: "list",
      document: {
        Statement: {
          Effect: "Allow",
          Action: "s3:ListAllMyBuckets",
          Resource: "arn:aws:s3:::named-by-the-trail",
        },
      },
    });
    const request = {
      principal: { kind: "user" as const, arn: "arn:aws:iam::111111111111:user/a", account: "111111111111" },
      action: "s3:ListAllMyBuckets",
      resource: "arn:aws:s3:::named-by-the-trail",
      context: {},
    };
    const policies = { identity: { policies: [identity], complete: true } };
    expect(evaluateRequest(request, policies).decision).toBe("allowed");
    // IAM evaluates an action without resource-level permissions against `*`: a scoped statement cannot grant it.
    const facts = { isWildcardOnly: (a: string) => a === "s3:ListAllMyBuckets" };
    expect(evaluateRequest(request, policies, { actionFacts: facts }).decision).toBe("implicitly-denied");
  });

  it("traces every layer it consulted", () => {
    const identity = compilePolicy({
      kind: "identity",
      name: "read",
      document: { Statement: { Sid: "R", Effect: "Allow", Action: "s3:*", Resource: "*" } },
    });
    const result = evaluateRequest(
      {
        principal: {
          kind: "role-session",
          arn: "arn:aws:sts::111111111111:assumed-role/app/s",
          account: "111111111111",
        },
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: {},
      },
      {
        identity: { policies: [identity], complete: true },
        scps: [{ target: "r-root", policies: [], complete: true }],
      },
    );
    expect(result.trace.map((t) => [t.layer, t.result])).toEqual([
      ["scp", "no-allow"],
      ["identity", "allow"],
    ]);
    expect(result.missingAllow?.message).toBe(
      "no statement allows it in the service control policy attached to r-root",
    );
  });
});
