import type { PolicyDocument } from "../policy.schema.js";

/**
 * The organisation policies AWS attaches by itself (Organizations user guide: "FullAWSAccess" is attached to every
 * root, OU and account when SCPs are enabled; "RCPFullAWSAccess" likewise for RCPs and cannot be detached). Their
 * content is documented, so an attach event naming them needs no import.
 */
export const awsManagedOrgPolicies: Record<
  string,
  { name: string; type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY"; document: PolicyDocument }
> = {
  "p-FullAWSAccess": {
    name: "FullAWSAccess",
    type: "SERVICE_CONTROL_POLICY",
    document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  },
  "p-RCPFullAWSAccess": {
    name: "RCPFullAWSAccess",
    type: "RESOURCE_CONTROL_POLICY",
    document: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
    },
  },
};
