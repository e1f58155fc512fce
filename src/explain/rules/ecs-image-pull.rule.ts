import { isImagePullAction } from "../../cloudtrail/ecs-calls.js";
import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule, splitNote } from "./rule.js";

/** Image pulls (ECR token, manifest, layers) are made with the task execution role, whatever role was named. */
export const ecsImagePullRule: ExplainRule = {
  name: "ecs-image-pull",
  applies: (d) => d.action !== null && isImagePullAction(d.action),
  decide: (d) =>
    decision(d, {
      target: "ecs-task-execution",
      confidence: d.kind === "ecs-task-execution" || d.dualUse ? 0.9 : 0.7,
      reason: d.dualUse ? "dual-use" : "ecs-image-pull",
      grant: identityGrant(),
      reasoning: [fixReasons["ecs-image-pull"], ...(d.dualUse ? [splitNote("task execution")] : [])],
      console: d.action === "ecr:GetAuthorizationToken" ? ["registry-auth"] : ["pull-fargate", "pull-ec2"],
      caveats: ["vpce-unlogged"],
    }),
};
