import { field, stringField } from "../../cloudtrail/record.js";
import { hit } from "../role-state.js";
import { asArray, type Extractor, firstString } from "./context.js";

/** An EventBridge target that runs ECS tasks names the role EventBridge runs them with. */
export const putTargets: Extractor = ({ req, named }) => {
  for (const target of asArray(field(req, "targets"))) {
    const ecs = field(target, "ecsParameters") ?? field(target, "EcsParameters");
    const roleArn = firstString(target, "roleArn", "RoleArn");
    if (!ecs || !roleArn) continue;
    const role = named(roleArn);
    if (role) hit(role, "ecs-events", "events.target-role", `rule ${stringField(req, "rule") ?? "?"}`);
  }
};
