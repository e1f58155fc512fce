import { identityGrant } from "./grants.js";
import type { DenialFacts } from "./rule.js";
import { decision, type ExplainRule } from "./rule.js";

/** The service a call hands a role to: ECS runs tasks as ecs-tasks.amazonaws.com. */
function passedTo(d: DenialFacts): string {
  return d.record.eventSource === "ecs.amazonaws.com" ? "ecs-tasks.amazonaws.com" : d.record.eventSource;
}

/**
 * The caller may not pass the role it names (RunTask, RegisterTaskDefinition, RunInstances, …): the caller needs
 * iam:PassRole on that role, for that service only. The role being passed needs no change.
 */
export const passRoleRule: ExplainRule = {
  name: "pass-role",
  applies: (d) => d.action === "iam:PassRole",
  decide: (d) =>
    decision(d, {
      target: d.kind,
      confidence: d.resource ? 0.9 : 0.6,
      reason: "pass-role",
      grant: identityGrant({ condition: (f) => ({ StringEquals: { "iam:PassedToService": passedTo(f) } }) }),
      reasoning: [
        `${d.record.eventName} hands a role to ${passedTo(d)}; AWS checks iam:PassRole on that role against the caller.`,
        "The role being passed does not need any change.",
      ],
      caveats: ["passrole-not-logged"],
    }),
};
