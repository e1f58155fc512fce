import { isHostAgentUserAgent } from "../../cloudtrail/user-agents.js";
import { newTaskRoleGrant } from "./grants.js";
import { decision, type ExplainRule, hasKind } from "./rule.js";

/**
 * An application call with an ECS container instance's credentials (an i-… session, no host agent's user agent):
 * the task has no task role and the SDK fell back to the host's instance metadata. The fix is a task role, not a
 * wider instance role.
 */
export const ecsInstanceFallbackRule: ExplainRule = {
  name: "ecs-instance-fallback",
  applies: (d) =>
    d.action !== null &&
    d.shape === "ec2-instance-id" &&
    (d.kind === "ecs-container-instance" || hasKind(d.entry, "ecs-container-instance")) &&
    !isHostAgentUserAgent(d.userAgent),
  decide: (d) =>
    decision(d, {
      target: "task-definition",
      confidence: 0.7,
      reason: "ecs-instance-fallback",
      grant: newTaskRoleGrant,
      reasoning: [
        "The call came from an i-… session of an ECS container instance's role, with an application user agent, for an application action.",
        "So a container made it with the host's credentials: its task definition has no taskRoleArn and the SDK fell back to instance metadata.",
        "Create a task role with exactly this permission, set it as taskRoleArn, and block containers from instance metadata (awsvpc: ECS_AWSVPC_BLOCK_IMDS=true; bridge: an iptables rule or IMDSv2 hop limit 1). Do not add the permission to the instance role: every task on the host would get it.",
      ],
    }),
};
