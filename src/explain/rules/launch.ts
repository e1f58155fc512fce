import { attributeCall } from "../../classify/attribute.js";
import { type DenialFacts, hasKind } from "./rule.js";

/**
 * Whether a launch-time call (secret, parameter, decrypt, log stream) was made with the execution role: the role is
 * known as one, or it is the execution half of a dual-use role (the classifier's call attribution, as in the
 * report), or a KMS dependency failed for a role known as an execution role.
 */
export function isExecutionRoleCall(d: DenialFacts): boolean {
  if (d.kind === "ecs-task-execution") return true;
  if (d.dependency && hasKind(d.entry, "ecs-task-execution")) return true;
  if (!d.dualUse || d.entry === undefined) return false;
  if (d.dependency) return true;
  const call = {
    eventSource: d.record.eventSource,
    eventName: d.record.eventName,
    userAgent: d.userAgent || null,
  };
  return attributeCall(d.entry, call) === "ecs-task-execution";
}
