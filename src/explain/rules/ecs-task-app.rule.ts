import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/** Application SDK calls from a task use the task role. */
export const ecsTaskAppRule: ExplainRule = {
  name: "ecs-task-app",
  applies: (d) => d.kind === "ecs-task",
  decide: (d) =>
    decision(d, {
      target: "ecs-task",
      confidence: Math.max(0.6, d.kindConfidence),
      reason: "ecs-task-app",
      grant: identityGrant(),
      reasoning: [fixReasons["ecs-task-app"]],
    }),
};
