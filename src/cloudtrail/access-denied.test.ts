import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeCommand, parseAccessDenied } from "./access-denied.js";

interface MessageCase {
  name: string;
  message: string | null;
  errorCode?: string;
  expect: Record<string, unknown>;
}

const cases = JSON.parse(
  readFileSync(new URL("../../test/fixtures/explain/messages.json", import.meta.url), "utf8"),
) as MessageCase[];

describe("parseAccessDenied", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const parsed = parseAccessDenied(c.message, c.errorCode);
    for (const [key, value] of Object.entries(c.expect))
      expect({ [key]: parsed[key as keyof typeof parsed] }).toEqual({ [key]: value });
    if (!("truncated" in c.expect)) expect(parsed.truncated).toBe(false);
    if (!("explicitDeny" in c.expect)) expect(parsed.explicitDeny).toBe(false);
  });

  it("never reports a policy ARN when the message carries none", () => {
    for (const c of cases)
      if (!("policyArn" in c.expect))
        expect(parseAccessDenied(c.message, c.errorCode).policyArn).toBeUndefined();
  });

  it("gives a decode command that carries the blob", () => {
    expect(decodeCommand("abc-DEF_1")).toContain(
      "aws sts decode-authorization-message --encoded-message 'abc-DEF_1'",
    );
  });
});
