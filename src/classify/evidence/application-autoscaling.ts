import { isServiceLinkedRoleArn } from "../../cloudtrail/arn.js";
import { hit } from "../role-state.js";
import { type Extractor, firstString } from "./context.js";

/** A scalable target of an ECS service names the role Application Auto Scaling scales it with. */
export const registerScalableTarget: Extractor = ({ req, named }) => {
  const ns = firstString(req, "serviceNamespace", "ServiceNamespace");
  const roleArn = firstString(req, "roleARN", "RoleARN", "roleArn");
  if (ns !== "ecs" || !roleArn || isServiceLinkedRoleArn(roleArn)) return;
  const role = named(roleArn);
  const res = firstString(req, "resourceId", "ResourceId") ?? "?";
  if (role) hit(role, "ecs-autoscale", "autoscaling.scalable-target-role", res);
};
