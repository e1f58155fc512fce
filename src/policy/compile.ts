import { type CompiledCondition, compileConditions } from "./conditions.js";
import { PolicyError } from "./policy.errors.js";
import { type PolicyDocument, type PolicyStatement, parsePolicyDocument } from "./policy.schema.js";
import { type CompiledPrincipal, compilePrincipal } from "./principal.js";
import {
  type ContextLookup,
  parseTemplate,
  resolveTemplate,
  type Template,
  templateText,
} from "./variables.js";
import { isLiteral, patternChars, patternRegex } from "./wildcard.js";

/**
 * A policy parsed and validated once, its patterns turned into regular expressions once: evaluating thousands of
 * denials against the same policies then costs only the matching. Caches live on the compiled object.
 */

/** Where a policy sits; decides which elements it must and may have. */
export type PolicyKind = "identity" | "permissions-boundary" | "session" | "scp" | "rcp" | "resource";

export interface ActionMatcher {
  any: boolean;
  exact: ReadonlySet<string>;
  patterns: readonly RegExp[];
}

interface ResourcePattern {
  literal?: string;
  regex?: RegExp;
  template?: Template;
}

export interface ResourceMatcher {
  any: boolean;
  patterns: readonly ResourcePattern[];
  /** Regexes of variable-bearing patterns, by resolved text: one per distinct caller, not per request. */
  cache: Map<string, RegExp>;
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  actions: ActionMatcher;
  notAction: boolean;
  /** Absent when the statement has no Resource element (trust policies: the role itself). */
  resources?: ResourceMatcher;
  notResource: boolean;
  principal?: CompiledPrincipal;
  notPrincipal: boolean;
  conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  kind: PolicyKind;
  name: string;
  arn?: string;
  document: PolicyDocument;
  statements: readonly CompiledStatement[];
}

export interface PolicyInput {
  kind: PolicyKind;
  /** The policy's name (inline policy name, managed policy name, `bucket policy of …`). */
  name: string;
  arn?: string;
  /** The document as JSON text (URL-encoded or not) or a parsed value; validated here. */
  document: unknown;
}

const actionPattern = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]*)$/;

/** Parses, validates and compiles a policy. Throws `PolicyError` (`policy.invalid_document`) listing every problem. */
export function compilePolicy(input: PolicyInput): CompiledPolicy {
  const document = parsePolicyDocument(input.document);
  const list = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const problems: string[] = [];
  const variables = document.Version === "2012-10-17";
  const statements = list.map((s, index) =>
    compileStatement(s, index, { kind: input.kind, variables, problems }),
  );
  if (problems.length > 0) throw new PolicyError("policy.invalid_document", problems);
  return {
    kind: input.kind,
    name: input.name,
    ...(input.arn === undefined ? {} : { arn: input.arn }),
    document,
    statements,
  };
}

interface CompileScope {
  kind: PolicyKind;
  variables: boolean;
  problems: string[];
}

function compileStatement(s: PolicyStatement, index: number, scope: CompileScope): CompiledStatement {
  const place = `Statement[${index}]`;
  checkElements(s, place, scope);
  const principalElement = s.Principal ?? s.NotPrincipal;
  const resourceElement = s.Resource ?? s.NotResource;
  return {
    index,
    ...(s.Sid === undefined ? {} : { sid: s.Sid }),
    effect: s.Effect,
    actions: compileActions(s.Action ?? s.NotAction ?? [], place, scope.problems),
    notAction: s.NotAction !== undefined,
    ...(resourceElement === undefined
      ? {}
      : { resources: compileResources(resourceElement, scope.variables) }),
    notResource: s.NotResource !== undefined,
    ...(principalElement === undefined ? {} : { principal: compilePrincipal(principalElement) }),
    notPrincipal: s.NotPrincipal !== undefined,
    conditions: compileConditions(s.Condition, scope.variables, scope.problems, place),
  };
}

/** IAM's per-kind rules: identity-side policies name no principal; resource-side ones must. */
function checkElements(s: PolicyStatement, place: string, scope: CompileScope): void {
  const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
  const hasResource = s.Resource !== undefined || s.NotResource !== undefined;
  const identitySide = scope.kind !== "resource" && scope.kind !== "rcp";
  if (identitySide && hasPrincipal)
    scope.problems.push(`${place}: a ${scope.kind} policy may not name a Principal`);
  if (!identitySide && !hasPrincipal)
    scope.problems.push(`${place}: a ${scope.kind} policy must name a Principal`);
  if (
    !hasResource &&
    (scope.kind === "identity" || scope.kind === "permissions-boundary" || scope.kind === "session")
  )
    scope.problems.push(`${place}: a ${scope.kind} policy statement needs Resource or NotResource`);
}

function compileActions(element: string | string[], place: string, problems: string[]): ActionMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  let any = false;
  for (const action of Array.isArray(element) ? element : [element]) {
    if (!actionPattern.test(action)) problems.push(`${place}: "${action}" is not an IAM action`);
    const chars = patternChars(action);
    if (action === "*") any = true;
    else if (isLiteral(chars)) exact.add(action.toLowerCase());
    else patterns.push(patternRegex(chars, "action"));
  }
  return { any, exact, patterns };
}

function compileResources(element: string | string[], variables: boolean): ResourceMatcher {
  const patterns: ResourcePattern[] = [];
  let any = false;
  for (const resource of Array.isArray(element) ? element : [element]) {
    const template = parseTemplate(resource, variables);
    if (resource === "*") any = true;
    else if (template.hasVariables) patterns.push({ template });
    else {
      const chars = resolveTemplate(template, () => undefined, new Set()) ?? [];
      patterns.push(
        isLiteral(chars) ? { literal: templateText(chars) } : { regex: patternRegex(chars, "arn") },
      );
    }
  }
  return { any, patterns, cache: new Map() };
}

/** True when the action (any case) is one the matcher lists. */
export function actionMatches(m: ActionMatcher, lowerAction: string): boolean {
  return m.any || m.exact.has(lowerAction) || m.patterns.some((r) => r.test(lowerAction));
}

const variableCacheLimit = 1024;

/**
 * Whether the matcher lists the resource, with policy variables substituted from the request. `unresolved` when
 * no entry matched and one names a variable the request lacks: AWS then lets neither Resource nor NotResource
 * match, so a statement does not apply on a value it could not compute.
 */
export function resourceMatch(
  m: ResourceMatcher,
  resource: string,
  lookup: ContextLookup,
  absent: Set<string>,
): "match" | "no-match" | "unresolved" {
  if (m.any) return "match";
  let unresolved = false;
  for (const p of m.patterns) {
    if (p.literal !== undefined ? p.literal === resource : p.regex?.test(resource)) return "match";
    if (!p.template) continue;
    const regex = templateRegex(m, p.template, lookup, absent);
    if (regex === undefined) unresolved = true;
    else if (regex.test(resource)) return "match";
  }
  return unresolved ? "unresolved" : "no-match";
}

function templateRegex(
  m: ResourceMatcher,
  template: Template,
  lookup: ContextLookup,
  absent: Set<string>,
): RegExp | undefined {
  const chars = resolveTemplate(template, lookup, absent);
  if (chars === undefined) return undefined;
  const key = chars.map((c) => (c.wild ? `\u0000${c.ch}` : c.ch)).join("");
  let regex = m.cache.get(key);
  if (!regex) {
    if (m.cache.size >= variableCacheLimit) m.cache.clear();
    regex = patternRegex(chars, "arn");
    m.cache.set(key, regex);
  }
  return regex;
}
