import { describe, expect, it } from "vitest";
import { loadExplainCases } from "../../test/support/explain-cases.js";
import { ROLE_KINDS } from "../classify/kinds.js";
import { explainWithRule } from "./explain.js";
import { explainRules } from "./rules/index.js";

/** One sentence: starts with a word, ends with one period, no second sentence, no hole a value fell through. */
function sentenceProblems(text: string): string[] {
  const problems: string[] = [];
  if (!/^\S/.test(text)) problems.push("starts with a space");
  if (!/[^.\s]\.$/.test(text)) problems.push("does not end with one period");
  if (/\.\s+[A-Z]/.test(text)) problems.push("holds a second sentence");
  if (/\bundefined\b|\bnull\b|\bNaN\b|\[object /.test(text)) problems.push("holds a missing value");
  if (/ {2}|\s[,;:.]|;.*;/.test(text)) problems.push("double space, space before punctuation or two clauses");
  return problems;
}

const cases = loadExplainCases();

describe("the summary sentence", () => {
  it("is one sentence for every rule's cases under every kind, unknown included", () => {
    const problems: string[] = [];
    const rules = new Set<string>();
    for (const c of cases)
      for (const kind of [undefined, ...ROLE_KINDS]) {
        const context = kind === undefined ? (c.context ?? {}) : { ...c.context, callKind: kind };
        const { rule, explanation: e } = explainWithRule(c.record, context);
        rules.add(rule);
        for (const p of sentenceProblems(e.summary))
          problems.push(`${c.name} as ${kind}: ${p}: ${e.summary}`);
        if (e.principal.kind === "unknown" && !e.summary.includes("; the role's kind is unknown: "))
          problems.push(`${c.name}: an unknown kind is not said: ${e.summary}`);
      }
    expect(problems).toEqual([]);
    expect([...rules].sort()).toEqual(explainRules.map((r) => r.name).sort());
  });

  it("says the kind is unknown before the change, and names what the catalogue knows", () => {
    const unknown = cases.find((c) => c.rule === "kind-unknown");
    if (!unknown) throw new Error("no kind-unknown case");
    expect(explainWithRule(unknown.record).explanation.summary).toMatch(
      /; the role's kind is unknown: find which workload uses the role, then grant it in the role's policy\.$/,
    );
    const service = cases.find((c) => c.rule === "service-role");
    if (!service) throw new Error("no service-role case");
    expect(explainWithRule(service.record, service.context).explanation.summary).toMatch(
      /; grant it in this service role, which config\.amazonaws\.com assumes\.$/,
    );
    const chained = cases.find((c) => c.rule === "chained-role");
    if (!chained) throw new Error("no chained-role case");
    expect(explainWithRule(chained.record, chained.context).explanation.summary).toMatch(
      /; grant it in this role, not in checkout-task-role, whose session assumed it\.$/,
    );
    const sso = cases.find((c) => c.name.startsWith("An Identity Center user's gap"));
    if (!sso) throw new Error("no Identity Center case");
    expect(explainWithRule(sso.record).explanation.summary).toMatch(
      /; change the DataEngineer permission set in IAM Identity Center, then provision it again\.$/,
    );
  });
});
