import type { CompiledPolicy } from "./compile.js";

/**
 * The evaluator's inputs and outputs. A request is what one API call asked for; a policy set is every policy that
 * can decide it, each layer marked complete or not so an answer can say "unknown" instead of guessing.
 */

/** How IAM sees the caller: it decides which Principal entries match and which policy layers apply. */
export type PrincipalKind = "role-session" | "user" | "root" | "federated-user" | "service" | "anonymous";

export interface RequestPrincipal {
  kind: PrincipalKind;
  /**
   * The caller as IAM names it: the assumed-role session ARN, the user ARN, `arn:aws:iam::<account>:root`, the
   * federated-user ARN, or the service principal (`ecs-tasks.amazonaws.com`). Ignored for anonymous callers.
   */
  arn: string;
  /** The caller's account; absent for service principals and anonymous callers. */
  account?: string;
  /** For role sessions: the role's ARN with its path (a session ARN does not carry the path). */
  roleArn?: string;
}

/** A context key's value: one string, or several for multi-valued keys (`aws:CalledVia`, `aws:TagKeys`). */
export type ContextValue = string | readonly string[];

export interface EvaluationRequest {
  principal: RequestPrincipal;
  /** `service:Action`, any case. */
  action: string;
  /** The resource ARN, or `*` for actions that support no resource-level permission. */
  resource: string;
  /** The account owning the resource; absent when unknown or for `*` (then treated as the caller's account). */
  resourceAccount?: string;
  /**
   * Request context keys (`aws:SourceIp`, `aws:PrincipalTag/team`, `s3:prefix`…), names in any case. A key absent
   * here is absent from the request; the result lists which absent keys a statement consulted.
   */
  context: Readonly<Record<string, ContextValue>>;
}

/** One layer's policies. `complete: false` means some (maybe all) of the layer's policies were never seen. */
export interface PolicyLayer {
  policies: readonly CompiledPolicy[];
  complete: boolean;
}

/** One level of the organisation tree (root, each OU, the account): every level must allow. */
export interface OrgPolicyLevel extends PolicyLayer {
  /** The root, OU or account id the policies are attached to. */
  target: string;
}

/**
 * Every policy that can decide the request. An absent layer does not apply (no boundary attached, no session
 * policy passed, no Organizations, a resource without a policy); an incomplete one is partly unknown.
 */
export interface PolicySet {
  /** Inline and managed policies of the user or role. */
  identity: PolicyLayer;
  permissionsBoundary?: PolicyLayer;
  session?: PolicyLayer;
  /** SCPs of the caller's account, root level first. */
  scps?: readonly OrgPolicyLevel[];
  /** RCPs of the resource's account, root level first. */
  rcps?: readonly OrgPolicyLevel[];
  /** The resource-based policy: a bucket or queue policy, a KMS key policy, or for sts:AssumeRole the trust policy. */
  resource?: PolicyLayer;
}

/** The layers of the evaluation, as the trace and the deciding statement name them. */
export type LayerName = "scp" | "rcp" | "resource" | "identity" | "permissions-boundary" | "session";

/** Where a statement sits: enough for an answer to quote it and for a fix to edit its policy. */
export interface StatementRef {
  layer: LayerName;
  /** What kind of resource policy it is when `layer` is `resource`: key policies and trust policies have rules. */
  policyKind: PolicyKindLabel;
  policyName: string;
  policyArn?: string;
  /** The organisation level (root/OU/account id) for SCPs and RCPs. */
  target?: string;
  sid?: string;
  /** Zero-based position of the statement in its policy. */
  index: number;
}

export type PolicyKindLabel =
  | "service control policy"
  | "resource control policy"
  | "resource policy"
  | "key policy"
  | "trust policy"
  | "identity policy"
  | "permissions boundary"
  | "session policy";

export type Decision = "allowed" | "explicitly-denied" | "implicitly-denied" | "unknown";

/** What one layer said; `unknown` when it had no answer of its own and is incomplete. */
export type LayerResult = "allow" | "deny" | "no-allow" | "unknown" | "not-applicable";

export interface TraceEntry {
  layer: LayerName;
  target?: string;
  result: LayerResult;
  statement?: StatementRef;
}

export interface EvaluationResult {
  decision: Decision;
  /** The explicit deny, or for an allowed request the statement that granted it. */
  decidedBy?: StatementRef;
  /** For an implicit denial: the layer in which no statement allows the request. */
  missingAllow?: { layer: LayerName; policyKind: PolicyKindLabel; target?: string; message: string };
  /** Layers that are incomplete: any answer built on them may change when they are known. */
  unknownLayers: LayerName[];
  /** Context keys that a matching statement's condition consulted but the request did not carry. */
  missingContextKeys: string[];
  trace: TraceEntry[];
}
