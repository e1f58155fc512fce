import { callAction } from "../cloudtrail/action.js";
import { isLaunchAction, isLaunchSecretCall, isTaskRoleAgentAction } from "../cloudtrail/ecs-calls.js";
import { agentClassOf, isEcsAgentUserAgent } from "../cloudtrail/user-agents.js";
import type { RoleCatalogEntry, RoleKind } from "./kinds.js";

export interface CallRef {
  eventSource: string;
  eventName: string;
  userAgent: string | null;
}

/**
 * The kind one call acted as. For a role used both as task role and as execution role, launch-time calls (image
 * pulls, log streams, injected secrets and parameters, the KMS decrypts Secrets Manager or SSM make behind them) and
 * the ECS agent's calls are
 * the execution role's; everything else is the application's, i.e. the task role's. Other roles act as their
 * leading kind.
 *
 * Known limit: an application that reads its own secrets through a dual-use role is attributed to the execution
 * role; nothing in the call tells the two apart.
 */
export function attributeCall(entry: RoleCatalogEntry, call: CallRef): RoleKind {
  const kinds = new Set(entry.kinds.map((k) => k.kind));
  const leading = entry.kinds[0]?.kind ?? "unknown";
  if (!(kinds.has("ecs-task") && kinds.has("ecs-task-execution"))) return leading;
  const action = callAction(call);
  if (isTaskRoleAgentAction(action)) return "ecs-task";
  if (isEcsAgentUserAgent(call.userAgent)) return "ecs-task-execution";
  if (isLaunchAction(action) || isLaunchSecretCall(action, agentClassOf(call.userAgent)))
    return "ecs-task-execution";
  return "ecs-task";
}
