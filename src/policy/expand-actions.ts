import { canonicalAction, serviceActionNames, serviceNames } from "../cloudtrail/iam-catalogue.js";
import type { PolicyDocument } from "./policy.schema.js";
import { patternChars, patternRegex } from "./wildcard.js";

/**
 * What an identity policy document allows, as actions: each Allow statement's `Action` patterns expanded against
 * the iam-data catalogue (`s3:Get*`, `*`), and `NotAction` as every catalogued action it does not name. Resources
 * and conditions are left out: the report asks "which actions", the evaluator answers "this request".
 */

/** One pattern as written and how many actions it expands to (`NotAction: …` for a NotAction statement). */
export interface PatternGrant {
  pattern: string;
  actions: readonly string[];
}

export interface DocumentGrants {
  patterns: PatternGrant[];
}

/** An action pattern as the evaluator matches it (case-insensitive, `*` and `?` wild): one wildcard rule. */
function patternRegExp(pattern: string): RegExp {
  return patternRegex(patternChars(pattern), "action");
}

/** True when an IAM action pattern (`ecs:Submit*`, `s3:*`, `*`) matches the action. */
export function patternMatches(pattern: string, action: string): boolean {
  return patternRegExp(pattern).test(action);
}

/** Every action of the services whose prefix matches `servicePattern` (a prefix may hold wildcards too). */
function actionsOfServices(servicePattern: string): string[] {
  if (!/[*?]/.test(servicePattern)) return serviceActionNames(servicePattern);
  const re = patternRegExp(servicePattern);
  return serviceNames()
    .filter((s) => re.test(s))
    .flatMap((s) => serviceActionNames(s));
}

/** The actions an IAM action pattern grants: wildcards expanded against iam-data, exact actions canonicalised. */
export function expandPattern(pattern: string): string[] {
  if (pattern === "*") return actionsOfServices("*");
  const colon = pattern.indexOf(":");
  if (colon <= 0) return [];
  if (!/[*?]/.test(pattern)) return [canonicalAction(pattern) ?? pattern];
  const re = patternRegExp(pattern);
  return actionsOfServices(pattern.slice(0, colon)).filter((a) => re.test(a));
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The Allow grants of one document, pattern by pattern. */
export function expandDocument(document: PolicyDocument): DocumentGrants {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const patterns: PatternGrant[] = [];
  for (const s of statements) {
    if (s.Effect !== "Allow") continue;
    for (const p of list(s.Action)) patterns.push({ pattern: p, actions: expandPattern(p) });
    const not = list(s.NotAction);
    if (not.length === 0) continue;
    const res = not.map(patternRegExp);
    const actions = actionsOfServices("*").filter((a) => !res.some((re) => re.test(a)));
    patterns.push({ pattern: `NotAction: ${not.join(", ")}`, actions });
  }
  return { patterns };
}

/**
 * Expands each document once: the model's documents are the same objects until its generation moves, and the AWS
 * managed ones (large, and shared by many roles) for as long as the process holds the package.
 */
export function createDocumentExpander(): (document: PolicyDocument) => DocumentGrants {
  const cache = new WeakMap<PolicyDocument, DocumentGrants>();
  return (document) => {
    let grants = cache.get(document);
    if (!grants) {
      grants = expandDocument(document);
      cache.set(document, grants);
    }
    return grants;
  };
}
