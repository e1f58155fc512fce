import { isLaunchLogAction } from "../../cloudtrail/ecs-calls.js";
import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { isExecutionRoleCall } from "./launch.js";
import { decision, type ExplainRule, splitNote } from "./rule.js";

/** The awslogs driver creates the task's log streams at launch with the execution role. */
export const ecsLaunchLogsRule: ExplainRule = {
  name: "ecs-launch-logs",
  applies: (d) => d.action !== null && isExecutionRoleCall(d) && isLaunchLogAction(d.action),
  decide: (d) =>
    decision(d, {
      target: "ecs-task-execution",
      confidence: d.kind === "ecs-task-execution" ? 0.9 : 0.7,
      reason: d.dualUse ? "dual-use" : "ecs-launch-logs",
      grant: identityGrant(),
      reasoning: [fixReasons["ecs-launch-logs"], ...(d.dualUse ? [splitNote("task execution")] : [])],
      console: ["logs"],
      caveats: ["putlogevents-unlogged"],
    }),
};
