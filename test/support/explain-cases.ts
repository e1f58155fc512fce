import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RoleCatalogEntry, RoleKind } from "../../src/classify/kinds.js";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import { explainRules } from "../../src/explain/rules/index.js";

/** One explanation case: a denied record, what the explainer knows beside it, and what it must say. */
export interface ExplainCase {
  name: string;
  /** The rule that must decide it: the case file is `<rule>.cases.json`, beside `<rule>.rule.ts`. */
  rule: string;
  record: CloudTrailRecord;
  context?: { role?: RoleCatalogEntry; callKind?: RoleKind };
  expect: {
    action: string | null;
    resource: string | null;
    deniedBy: string;
    fixTarget: string;
    explicitDeny?: boolean;
    policyArn?: string;
    fixRoleArn?: string | null;
    fixReason?: string;
    actionSource?: string;
    policyResource?: string;
    policyActions?: string[];
    caveat?: string;
    noise?: string;
    dependency?: boolean;
    summaryContains?: string;
    commandContains?: string;
    consoleContains?: string;
    maxConfidence?: number;
    /** The fix shows no ECS console text (the failure is not an ECS task's). */
    consoleEmpty?: boolean;
    /** The resource-policy statement names this AWS service as its principal. */
    principalService?: string;
  };
}

export const rulesDir = new URL("../../src/explain/rules/", import.meta.url).pathname;

/** The rule names that have a case file, from the files themselves. */
export function caseFileRules(): string[] {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith(".cases.json"))
    .map((f) => f.slice(0, -".cases.json".length))
    .sort();
}

/** Every explanation case, rule by rule in the order of the rule list, each file's cases in file order. */
export function loadExplainCases(): ExplainCase[] {
  const present = new Set(caseFileRules());
  return explainRules
    .filter((r) => present.has(r.name))
    .flatMap((r) =>
      (
        JSON.parse(readFileSync(join(rulesDir, `${r.name}.cases.json`), "utf8")) as Omit<
          ExplainCase,
          "rule"
        >[]
      ).map((c) => ({ ...c, rule: r.name })),
    );
}

/** The case of this name; throws when there is none, so a renamed case fails loudly. */
export function explainCase(name: string): ExplainCase {
  const found = loadExplainCases().find((c) => c.name === name);
  if (!found) throw new Error(`no explanation case named ${name}`);
  return found;
}
