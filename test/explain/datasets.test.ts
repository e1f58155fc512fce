import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROLE_KINDS } from "../../src/classify/kinds.js";
import { parseAccessDenied } from "../../src/cloudtrail/access-denied.js";
import { iamActionFor } from "../../src/cloudtrail/action.js";
import { isDenial } from "../../src/cloudtrail/denial.js";
import { validateRecord } from "../../src/cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import { explainDenial } from "../../src/explain/explain.js";

const root = new URL("../../../shared/datasets/", import.meta.url).pathname;
const present = existsSync(root);
if (!present) console.warn(`datasets test skipped: ${root} not found (real CloudTrail samples live there)`);

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.(json|json\.gz|jsonl\.gz)$/.test(e.name)) yield p;
  }
}

function loadRecords(): CloudTrailRecord[] {
  const out: CloudTrailRecord[] = [];
  for (const f of files(root)) {
    const buf = readFileSync(f);
    const text = (f.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
    const values: unknown[] = f.endsWith(".jsonl.gz")
      ? text
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown)
      : (() => {
          const v = JSON.parse(text) as unknown;
          if (Array.isArray(v)) return v;
          const recs = (v as { Records?: unknown[] }).Records;
          return Array.isArray(recs) ? recs : [v];
        })();
    for (const v of values) {
      const r = validateRecord(v);
      if ("record" in r) out.push(r.record);
    }
  }
  return out;
}

describe.skipIf(!present)("real CloudTrail datasets (../shared/datasets)", () => {
  const records = present ? loadRecords() : [];
  const denials = records.filter((r) =>
    isDenial(r.errorCode ?? undefined, typeof r.errorMessage === "string" ? r.errorMessage : undefined),
  );

  it("finds the denials and none of the throttling, expired-token or not-found errors", () => {
    expect(records.length).toBeGreaterThan(3000);
    expect(denials.length).toBeGreaterThanOrEqual(140);
    for (const r of denials) expect(r.errorCode ?? "").not.toMatch(/Throttl|ExpiredToken|NotFound|NoSuch/);
    const ec2 = records.filter((r) => r.errorCode === "Client.UnauthorizedOperation");
    expect(ec2.every((r) => denials.includes(r))).toBe(true);
  });

  it("parses every enhanced message into an action matching the event's own action", () => {
    let enhanced = 0;
    for (const r of denials) {
      const msg = typeof r.errorMessage === "string" ? r.errorMessage : "";
      const p = parseAccessDenied(msg, r.errorCode);
      if (/is not authorized to perform:/.test(msg)) {
        enhanced++;
        expect(p.form, msg).toMatch(/^enhanced/);
        expect(p.action, msg).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
        // Where the message names a real action, the event-derived action must agree (the mapping is honest).
        const fromEvent = iamActionFor(r);
        const e = explainDenial(r);
        if (e.actionVerified && fromEvent.verified && p.action !== "iam:PassRole")
          expect(fromEvent.action, msg).toBe(e.action);
      } else expect(p.form, msg).not.toBe("unrecognised");
    }
    expect(enhanced).toBeGreaterThanOrEqual(50);
  });

  it("explains every denial with a fix target and a one-sentence summary", () => {
    for (const r of denials) {
      const e = explainDenial(r);
      // The target follows from what denied the call: a named policy type is fixed there; otherwise a role of some
      // kind (or user) must change.
      const byPolicy: Record<string, string> = {
        scp: "organization-policy",
        rcp: "organization-policy",
        "permissions-boundary": "permissions-boundary",
        session: "session-policy",
        "vpc-endpoint": "vpc-endpoint-policy",
        "role-trust": "trust-policy",
        resource: "resource-policy",
      };
      const expected = byPolicy[e.deniedBy];
      if (expected) expect(e.fix.target, r.errorMessage as string).toBe(expected);
      else {
        // With no policy type named, an AssumeRole denial may be the target role's trust policy.
        const assume = e.action?.startsWith("sts:AssumeRole") ? ["trust-policy"] : [];
        expect(
          [...ROLE_KINDS, ...assume, "task-definition", "unknown"],
          `${e.deniedBy}: ${r.errorMessage}`,
        ).toContain(e.fix.target);
      }
      expect(e.summary).toMatch(/\.$/);
      expect(e.incidentId).toMatch(/^inc_[0-9a-f]{20}$/);
    }
  });
});
