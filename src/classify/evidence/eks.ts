import { field, stringField } from "../../cloudtrail/record.js";
import { hit } from "../role-state.js";
import type { Extractor } from "./context.js";

/** The node role exchanges a pod's token for the role it is associated with: the role is a Pod Identity role. */
export const assumeRoleForPodIdentity: Extractor = ({ req, resp, account, catalog }) => {
  const assumed = stringField(field(resp, "assumedRoleUser"), "arn");
  const role = assumed ? catalog.ref(assumed, account, 2) : null;
  if (role)
    hit(role, "eks-pod-identity", "assume.pod-identity", `cluster ${stringField(req, "clusterName")}`);
};

export const podIdentityAssociation: Extractor = ({ req, named }) => {
  const role = named(stringField(req, "roleArn"));
  if (role)
    hit(
      role,
      "eks-pod-identity",
      "eks.pod-identity-association",
      `${stringField(req, "namespace") ?? "?"}/${stringField(req, "serviceAccount") ?? "?"}`,
    );
};

/** A node group's role is its instances' role. */
export const createNodegroup: Extractor = ({ req, named }) => {
  const role = named(stringField(req, "nodeRole"));
  if (role)
    hit(
      role,
      "ec2-instance",
      "instance-profile.launch",
      `EKS node group ${stringField(req, "nodegroupName")}`,
    );
};
