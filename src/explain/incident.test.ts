import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadExplainCases } from "../../test/support/explain-cases.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { analyseDenial, explainDenial } from "./explain.js";
import { fingerprintDenial } from "./incident.js";

const cases = loadExplainCases();

/** The incident id as defined: the first 20 hex digits of the SHA-256 of the fingerprint fields. */
function definedId(f: ReturnType<typeof fingerprintDenial>["fingerprint"]): string {
  const key = [f.principalKey, f.action, f.resourcePattern, f.deniedBy, f.policyArn ?? ""].join("\n");
  return `inc_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
}

describe("incident ids", () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    "the id is the one its fingerprint defines: %s",
    (_name, c) => {
      const first = analyseDenial(c.record, c.context ?? {});
      const again = analyseDenial(c.record, c.context ?? {});
      const { id, fingerprint } = fingerprintDenial({
        principal: first.principal,
        action: first.action,
        resource: first.resource,
        deniedBy: first.parsed.deniedBy,
        policyArn: first.parsed.policyArn ?? null,
      });
      expect(id).toBe(definedId(fingerprint));
      expect(first.incidentId).toBe(id);
      expect(again.incidentId).toBe(id);
      expect(explainDenial(c.record, c.context ?? {}).incidentId).toBe(id);
    },
  );

  it("gives the defined id for each of 60,000 distinct fingerprints", () => {
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
      expect(f.id).toBe(definedId(f.fingerprint));
    }
  });
});
