import { isLaunchSecretAction } from "../../cloudtrail/ecs-calls.js";
import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { isExecutionRoleCall } from "./launch.js";
import { decision, type ExplainRule, splitNote } from "./rule.js";

/** Secrets and parameters named in the task definition are read at launch with the execution role. */
export const ecsLaunchSecretsRule: ExplainRule = {
  name: "ecs-launch-secrets",
  applies: (d) => d.action !== null && isExecutionRoleCall(d) && isLaunchSecretAction(d.action),
  decide: (d) =>
    decision(d, {
      target: "ecs-task-execution",
      confidence: d.kind === "ecs-task-execution" ? 0.9 : 0.7,
      reason: d.dualUse ? "dual-use" : "ecs-launch-secrets",
      grant: identityGrant(),
      reasoning: [fixReasons["ecs-launch-secrets"], ...(d.dualUse ? [splitNote("task execution")] : [])],
      console: d.action?.startsWith("ssm:") ? ["secret-ssm"] : ["secret-asm"],
    }),
};
