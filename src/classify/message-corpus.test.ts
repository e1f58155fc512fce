import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { messageAction, parseAccessDenied } from "../cloudtrail/access-denied.js";
import { kindFromArn } from "./arn-kind.js";

/**
 * The corpus of real access-denied messages (test/fixtures/messages/corpus.json, each with its public source and
 * hand-made labels) parsed end to end: message grammar for action, resource, policy type and explicit deny, and
 * kindFromArn for the kind the principal's ARN shows. Prints per-field accuracy; fails under the accuracy thresholds below.
 */

interface CorpusCase {
  id: string;
  source: string;
  message: string;
  context?: { service?: string };
  expect: {
    action: string | null;
    resource: string | null;
    policyType: string;
    explicit: boolean;
    kind: string | null;
  };
}

const corpus = JSON.parse(
  readFileSync(new URL("../../test/fixtures/messages/corpus.json", import.meta.url), "utf8"),
) as { cases: CorpusCase[] };

const THRESHOLDS = { action: 0.99, resource: 0.97, policyType: 0.99, explicit: 0.99, kind: 0.9 } as const;
type Field = keyof typeof THRESHOLDS;

function actual(c: CorpusCase): Record<Field, string | boolean | null> {
  const p = parseAccessDenied(c.message, null, c.context?.service ? { service: c.context.service } : {});
  return {
    action: messageAction(p)?.toLowerCase() ?? null,
    resource: p.resource ?? null,
    policyType: p.deniedBy,
    explicit: p.explicitDeny,
    kind: kindFromArn(p.principalArn).kind,
  };
}

describe("the corpus of real access-denied messages", () => {
  it("has at least 150 messages, each with a source and every label", () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(150);
    for (const c of corpus.cases) {
      expect(c.source, c.id).toMatch(/^https:\/\//);
      expect(Object.keys(c.expect).sort(), c.id).toEqual([
        "action",
        "explicit",
        "kind",
        "policyType",
        "resource",
      ]);
    }
  });

  it("parses each field at least as accurately as the thresholds demand", () => {
    const right: Record<Field, number> = { action: 0, resource: 0, policyType: 0, explicit: 0, kind: 0 };
    const scored: Record<Field, number> = { action: 0, resource: 0, policyType: 0, explicit: 0, kind: 0 };
    const misses: string[] = [];
    for (const c of corpus.cases) {
      const got = actual(c);
      const want: Record<Field, string | boolean | null> = {
        ...c.expect,
        action: c.expect.action?.toLowerCase() ?? null,
      };
      for (const field of Object.keys(THRESHOLDS) as Field[]) {
        // Kind is scored only where the message carries a principal ARN (labelled null otherwise).
        if (field === "kind" && want.kind === null) continue;
        scored[field]++;
        if (got[field] === want[field]) right[field]++;
        else misses.push(`${c.id} ${field}: got ${String(got[field])}, want ${String(want[field])}`);
      }
    }
    const lines = (Object.keys(THRESHOLDS) as Field[]).map(
      (f) => `${f.padEnd(10)} ${right[f]}/${scored[f]} = ${((100 * right[f]) / scored[f]).toFixed(1)}%`,
    );
    console.log(
      `corpus: ${corpus.cases.length} messages\n${lines.join("\n")}${misses.length ? `\nmisses:\n${misses.join("\n")}` : ""}`,
    );
    for (const f of Object.keys(THRESHOLDS) as Field[])
      expect(right[f] / scored[f], f).toBeGreaterThanOrEqual(THRESHOLDS[f]);
  });
});
