import { isServiceLinkedRoleArn, sessionShape } from "../../cloudtrail/arn.js";
import { stringField } from "../../cloudtrail/record.js";
import { addInvokedShape, hit } from "../role-state.js";
import { serviceTarget } from "../targets.js";
import type { Extractor } from "./context.js";

/**
 * A service assumed the role (only AWSService AssumeRole events are evidence): which service says which kind (any
 * service without a kind of its own makes a service role of that service), and ECS's session name (the task ID)
 * pairs the task role with the execution role assumed for the same task. The session name is the service's
 * choice: it is a shape only for the service that names its sessions so (ECS, EC2, Lambda, EKS).
 */
export const serviceAssumeRole: Extractor = ({ record, req, principal, time, catalog, named, reading }) => {
  const by = principal.invokedBy ?? record.sourceIPAddress ?? "";
  const roleArn = stringField(req, "roleArn");
  const session = stringField(req, "roleSessionName");
  const role = named(roleArn);
  if (!role || !roleArn) return;
  catalog.seen(role, time, time);
  if (session) addInvokedShape(role, sessionShape(session), session, by);
  const target = serviceTarget(by);
  if (target && !isServiceLinkedRoleArn(roleArn)) hit(role, target, "assume.service", `assumed by ${by}`);
  if (by === "ecs-tasks.amazonaws.com" && session) {
    const list = reading.ecsAssumes.get(session);
    if (list) list.push({ role, time });
    else reading.ecsAssumes.set(session, [{ role, time }]);
  }
};

/** An EKS OIDC token exchanged for the role: IAM roles for service accounts. */
export const assumeRoleWithWebIdentity: Extractor = ({ record, req, time, catalog, named }) => {
  const provider = record.userIdentity?.identityProvider ?? record.userIdentity?.principalId ?? "";
  const role = named(stringField(req, "roleArn"));
  if (!role) return;
  catalog.seen(role, time, time);
  if (provider.includes("oidc.eks.")) {
    const sa = record.userIdentity?.userName ?? "service account";
    hit(role, "eks-irsa", "assume.web-identity-eks", sa);
  }
};

/** A SAML sign-in through IAM Identity Center's provider (AWSSSO_…). */
export const assumeRoleWithSaml: Extractor = ({ record, req, time, catalog, named }) => {
  const role = named(stringField(req, "roleArn"));
  const provider = stringField(req, "principalArn") ?? record.userIdentity?.identityProvider ?? "";
  if (!role) return;
  catalog.seen(role, time, time);
  if (/saml-provider\/AWSSSO_/.test(provider))
    hit(role, "sso", "assume.saml-sso", provider.slice(provider.indexOf("saml-provider/")));
};
