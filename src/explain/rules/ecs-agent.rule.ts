import { isContainerInstanceCall } from "../../cloudtrail/ecs-calls.js";
import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/** The ECS agent's own calls (registration, polling, state changes) run with the container instance's role. */
export const ecsAgentRule: ExplainRule = {
  name: "ecs-agent",
  applies: (d) => d.action !== null && isContainerInstanceCall(d.action, d.agents),
  decide: (d) =>
    decision(d, {
      target: "ecs-container-instance",
      confidence: d.shape === "ec2-instance-id" || d.shape === "managed-instance-id" ? 0.9 : 0.6,
      reason: "ecs-agent",
      grant: identityGrant(),
      reasoning: [
        fixReasons["ecs-agent"],
        "The managed policy AmazonEC2ContainerServiceforEC2Role holds the agent's permissions.",
      ],
      console: d.action === "ecs:RegisterContainerInstance" ? ["agent-register"] : [],
    }),
};
