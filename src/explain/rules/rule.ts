import type { RoleCatalogEntry, RoleKind } from "../../classify/kinds.js";
import type { DeniedBy } from "../../cloudtrail/access-denied.js";
import type { SessionShape } from "../../cloudtrail/arn.js";
import type { Principal } from "../../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import type { EcsConsoleText } from "../ecs-console.js";
import type { FixTarget, PolicyDocument, PolicyStatement } from "../explanation.schema.js";
import type { Caveat, FixReason } from "../reasons.js";
import { noGrant } from "./grants.js";

/** What every rule reads about a denial: the analysis, and what follows from it about the caller. */
export interface DenialFacts {
  record: CloudTrailRecord;
  principal: Principal;
  /** The kind of the denied principal (catalogue, the call's attributed kind, or the trail alone). */
  kind: RoleKind;
  kindConfidence: number;
  entry: RoleCatalogEntry | undefined;
  action: string | null;
  resource: string | null;
  deniedBy: DeniedBy;
  explicitDeny: boolean;
  /** A KMS (or other) dependency of the called service was denied, not the call itself. */
  dependency: boolean;
  /** The identity whose policy changes: the role of a session, or the IAM user itself. */
  roleArn: string | null;
  /** The call's user agent, '' when it has none. */
  userAgent: string;
  /** `agentClass` bits of the call's user agent. */
  agents: number;
  shape: SessionShape | null;
  /** The catalogue says the role is both a task role and an execution role. */
  dualUse: boolean;
  /** The service the message says could not assume a role (`ecs-tasks.amazonaws.com`), when it says one. */
  trustedService: string | null;
  /** For a service role: the service the catalogue says assumes it. */
  service: string | null;
  /** For a chained role: the roles the catalogue says assumed it. */
  assumedBy: string[];
  /** What the policy model knows of the inline policy deniedby owns on an identity; absent without a model. */
  ownedPolicy?: (identityArn: string, policyName: string) => OwnedPolicy;
}

/**
 * The inline policy deniedby owns on an identity, as the policy model knows it: its statements, known absent (the
 * model holds every inline policy of the identity), or unknown (never seen, unreadable, or holding statements of a
 * shape deniedby does not write), when the fix says to read it and merge by hand.
 */
export type OwnedPolicy =
  | { state: "known"; statements: PolicyStatement[] }
  | { state: "absent" }
  | { state: "unknown"; reason: string };

/** What a grant builds: the policy to apply and the commands to apply it. */
export interface GrantResult {
  policy: PolicyDocument | null;
  commands: string[];
  /** The resource could not be determined: the policy says "*". */
  resourceUnknown: boolean;
  /** The statements this fix adds (the policy may hold more: the owned policy's earlier ones); what is verified. */
  added?: PolicyStatement[];
  /**
   * The condition values of the statements that the call itself implies (the rule derived them from the event:
   * `kms:ViaService` from the service that decrypted, `iam:PassedToService` from the service handed the role), so
   * verifying the fix may take them as the request's.
   */
  callContext?: Record<string, string>;
  /** The inline policy the statements go into, and whose (role or user ARN), when the fix writes one. */
  owned?: { identityArn: string; policyName: string };
}

/** How a decision's policy and commands are built: which kind of policy changes, and how. */
export interface Grant {
  type: "identity" | "resource" | "trust" | "new-task-role" | "none";
  build(facts: DenialFacts & { action: string }, decision: Decision): GrantResult;
}

/** Who must change what, and why: a rule's answer. */
export interface Decision {
  target: FixTarget;
  /** The role (or user) whose policy changes; null when not known. */
  roleArn: string | null;
  /** 0–1. */
  confidence: number;
  reason: FixReason;
  reasoning: string[];
  grant: Grant;
  /** The texts the ECS console or agent shows for this failure. */
  console: EcsConsoleText[];
  caveats: Caveat[];
}

/** One explanation rule: when it applies, and what it decides. The ordered list is in ./index.ts. */
export interface ExplainRule {
  /** Stable name; the rule's file is `<name>.rule.ts` and its cases `<name>.cases.json`. */
  name: string;
  applies(facts: DenialFacts): boolean;
  decide(facts: DenialFacts): Decision;
}

export function hasKind(entry: RoleCatalogEntry | undefined, kind: RoleKind): boolean {
  return entry?.kinds.some((k) => k.kind === kind) ?? false;
}

/** The roles that assumed a chained role, as words: `a, b and c`. */
export function rolesInWords(arns: string[]): string {
  if (arns.length <= 1) return arns[0] ?? "";
  return `${arns.slice(0, -1).join(", ")} and ${arns.at(-1)}`;
}

/** The reasoning line of a dual-use role: split it, and grant only the half the call belongs to. */
export function splitNote(half: "task execution" | "task"): string {
  return `This role is used both as the task role and as the execution role: split it, and give the permission only to the ${half} half.`;
}

/** A decision with the defaults most rules keep: the denied identity changes, nothing granted, nothing shown. */
export function decision(
  facts: DenialFacts,
  partial: Partial<Decision> & Pick<Decision, "target" | "reason">,
): Decision {
  return {
    roleArn: facts.roleArn,
    confidence: 0.8,
    reasoning: [],
    grant: noGrant,
    console: [],
    caveats: [],
    ...partial,
  };
}
