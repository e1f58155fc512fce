import { field, stringField } from "../../cloudtrail/record.js";
import { hit } from "../role-state.js";
import { decodeTrustPolicy, type TrustPrincipals } from "../trust-policy.js";
import type { Extractor } from "./context.js";

/** A role added to an instance profile belongs to the EC2 family. */
export const addRoleToInstanceProfile: Extractor = ({ req, named, reading }) => {
  const role = named(stringField(req, "roleName"));
  const profile = stringField(req, "instanceProfileName");
  if (!role || !profile) return;
  hit(role, "ec2-family", "instance-profile.member", `instance profile ${profile}`);
  const k = `${role.accountId}:${profile}`;
  const set = reading.profileRoles.get(k) ?? new Set<string>();
  set.add(role.key);
  reading.profileRoles.set(k, set);
};

/** CreateRole/UpdateAssumeRolePolicy: the latest trust policy wins (records come in time order). */
export const trustPolicy: Extractor = ({ record, req, resp, named, reading }) => {
  const created = stringField(field(resp, "role"), "arn");
  const role = created ? named(created) : named(stringField(req, "roleName"));
  const document = field(req, "assumeRolePolicyDocument") ?? field(req, "policyDocument");
  // Roles made by the same template share one trust document text: decode each distinct text once.
  let trust: TrustPrincipals | null | undefined;
  if (typeof document === "string") {
    trust = reading.trustByText.get(document);
    if (trust === undefined) {
      trust = decodeTrustPolicy(document);
      reading.trustByText.set(document, trust);
    }
  } else trust = decodeTrustPolicy(document);
  if (role && trust)
    role.trust = { services: trust.services, federated: trust.federated, detail: record.eventName };
};

/** AWS managed policies attached (or detached) say which kind a role was made for. */
export const attachOrDetachRolePolicy: Extractor = ({ record, req, named }) => {
  const role = named(stringField(req, "roleName"));
  const policy = stringField(req, "policyArn");
  if (!role || !policy) return;
  const policyName = policy.slice(policy.lastIndexOf("/") + 1);
  if (record.eventName === "DetachRolePolicy") role.managedPolicies?.delete(policyName);
  else {
    if (role.managedPolicies === null) role.managedPolicies = new Set();
    role.managedPolicies.add(policyName);
  }
};

export const createServiceLinkedRole: Extractor = ({ req, resp, named }) => {
  const role = named(stringField(field(resp, "role"), "arn"));
  if (role)
    hit(role, "service-linked", "iam.service-linked-role-created", stringField(req, "aWSServiceName") ?? "?");
};
