import { isEcsExecAction } from "../../cloudtrail/ecs-calls.js";
import { fixReasons } from "../reasons.js";
import { identityGrant, noGrant } from "./grants.js";
import { decision, type ExplainRule, hasKind } from "./rule.js";

/**
 * ECS Exec's message channels (ssmmessages:*) are opened from inside the task with the task role. Denied to a role
 * not known as a task role, the grant belongs on the task role of the task definition instead.
 */
export const ecsExecRule: ExplainRule = {
  name: "ecs-exec",
  applies: (d) => d.action !== null && isEcsExecAction(d.action),
  decide: (d) => {
    const isTaskRole = d.kind === "ecs-task" || hasKind(d.entry, "ecs-task");
    return decision(d, {
      target: "ecs-task",
      roleArn: isTaskRole ? d.roleArn : null,
      confidence: isTaskRole ? 0.9 : 0.6,
      reason: "ecs-exec",
      grant: isTaskRole ? identityGrant() : noGrant,
      reasoning: [
        fixReasons["ecs-exec"],
        ...(isTaskRole
          ? []
          : [
              "The denied role is not known as the task role: grant these actions to the task role of the task definition, not to the execution role.",
            ]),
      ],
      console: ["ecs-exec"],
      caveats: ["ssmmessages-unlogged"],
    });
  },
};
