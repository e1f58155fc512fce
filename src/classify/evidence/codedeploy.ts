import { field, stringField } from "../../cloudtrail/record.js";
import { hit } from "../role-state.js";
import { asArray, type Extractor } from "./context.js";

/** A deployment group for ECS services names CodeDeploy's service role. */
export const createDeploymentGroup: Extractor = ({ req, named }) => {
  const roleArn = stringField(req, "serviceRoleArn");
  if (!roleArn || asArray(field(req, "ecsServices")).length === 0) return;
  const role = named(roleArn);
  const group = stringField(req, "deploymentGroupName") ?? "?";
  if (role) hit(role, "ecs-codedeploy", "codedeploy.deployment-group-role", `deployment group ${group}`);
};
