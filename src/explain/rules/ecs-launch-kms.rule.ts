import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { isExecutionRoleCall } from "./launch.js";
import { type DenialFacts, decision, type ExplainRule, splitNote } from "./rule.js";

/** A decrypt Secrets Manager or SSM made for the role is allowed only through that service. */
function viaService(d: DenialFacts) {
  const source = d.record.eventSource;
  if (source !== "secretsmanager.amazonaws.com" && source !== "ssm.amazonaws.com") return undefined;
  return {
    StringEquals: {
      "kms:ViaService": `${source.split(".")[0]}.${d.record.awsRegion ?? "<region>"}.amazonaws.com`,
    },
  };
}

/**
 * At launch, Secrets Manager or SSM decrypt a secret with KMS on behalf of the execution role: the role (and the
 * key policy) must allow kms:Decrypt. Also a KMS failure surfacing through the called service.
 */
export const ecsLaunchKmsRule: ExplainRule = {
  name: "ecs-launch-kms",
  applies: (d) => d.action !== null && isExecutionRoleCall(d) && (d.dependency || d.action === "kms:Decrypt"),
  decide: (d) =>
    decision(d, {
      target: "ecs-task-execution",
      confidence: d.kind === "ecs-task-execution" ? 0.9 : 0.7,
      reason: d.dualUse ? "dual-use" : "ecs-launch-kms",
      grant: identityGrant({ condition: viaService }),
      reasoning: [fixReasons["ecs-launch-kms"], ...(d.dualUse ? [splitNote("task execution")] : [])],
      console: ["secret-kms"],
      caveats: ["kms-key-policy"],
    }),
};
