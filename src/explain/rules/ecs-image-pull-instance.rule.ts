import { isImagePullAction } from "../../cloudtrail/ecs-calls.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule, hasKind } from "./rule.js";

/**
 * An image pull made with an ECS container instance's role (an i-… session of a role known or named as one, or the
 * ECS agent's user agent; pulls by other EC2 hosts go to eks-node-image-pull first): on the EC2 launch type a task
 * without an execution role pulls with the host's credentials.
 */
export const ecsImagePullInstanceRule: ExplainRule = {
  name: "ecs-image-pull-instance",
  applies: (d) =>
    d.action !== null &&
    isImagePullAction(d.action) &&
    (d.shape === "ec2-instance-id" || d.kind === "ecs-container-instance" || d.kind === "ec2-instance"),
  decide: (d) =>
    decision(d, {
      target: "ecs-container-instance",
      confidence: hasKind(d.entry, "ecs-container-instance") ? 0.85 : 0.65,
      reason: "ecs-image-pull-instance",
      grant: identityGrant({
        followUp: () => [
          "# better: add an executionRoleArn with AmazonECSTaskExecutionRolePolicy to the task definition instead",
        ],
      }),
      reasoning: [
        "The pull was made with the instance role's session (an i-… session): the task has no execution role, so the ECS agent pulled with the host's credentials.",
        "Either grant the instance role the pull permission, or (better) give the task definition an execution role (executionRoleArn) with the pull permissions, so each task pulls with its own role.",
      ],
      console: ["pull-ec2"],
    }),
};
