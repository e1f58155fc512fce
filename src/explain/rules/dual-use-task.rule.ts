import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule, splitNote } from "./rule.js";

/** What is left of a dual-use role's calls is the application's: the task half needs it. */
export const dualUseTaskRule: ExplainRule = {
  name: "dual-use-task",
  applies: (d) => d.dualUse && d.action !== null,
  decide: (d) =>
    decision(d, {
      target: "ecs-task",
      confidence: 0.75,
      reason: "dual-use",
      grant: identityGrant(),
      reasoning: [fixReasons["ecs-task-app"], splitNote("task")],
    }),
};
