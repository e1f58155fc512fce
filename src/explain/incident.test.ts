import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadExplainCases } from "../../test/support/explain-cases.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { analyseDenial, explainDenial } from "./explain.js";
import { fingerprintDenial } from "./incident.js";

const cases = loadExplainCases();

/** The incident id as defined: the first 20 hex digits of the SHA-256 of the fingerprint fields, uncached. */
function uncachedId(f: ReturnType<typeof fingerprintDenial>["fingerprint"]): string {
  const key = [f.principalKey, f.action, f.resourcePattern, f.deniedBy, f.policyArn ?? ""].join("\n");
  return `inc_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
}

describe("incident id cache", () => {
  it.each(cases.map((c) => [c.name, c] as const))("a cached id equals the uncached one: %s", (_name, c) => {
    const first = analyseDenial(c.record, c.context ?? {});
    const again = analyseDenial(c.record, c.context ?? {});
    const { id, fingerprint } = fingerprintDenial({
      principal: first.principal,
      action: first.action,
      resource: first.resource,
      deniedBy: first.parsed.deniedBy,
      policyArn: first.parsed.policyArn ?? null,
    });
    expect(id).toBe(uncachedId(fingerprint));
    expect(first.incidentId).toBe(id);
    expect(again.incidentId).toBe(id);
    expect(explainDenial(c.record, c.context ?? {}).incidentId).toBe(id);
  });

  it("keeps ids right after the cache starts over", () => {
    const principal = analyseDenial(cases[0]?.record as CloudTrailRecord).principal;
    const fingerprint = (i: number) =>
      fingerprintDenial({
        principal,
        action: "s3:GetObject",
        resource: `arn:aws:s3:::bucket-${i}/key`,
        deniedBy: "identity",
        policyArn: null,
      });
    for (let i = 0; i < 60_000; i++) fingerprint(i);
    for (const i of [0, 1, 49_999, 50_000, 59_999]) {
      const f = fingerprint(i);
      expect(f.id).toBe(uncachedId(f.fingerprint));
    }
  });
});
