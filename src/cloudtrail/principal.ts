import { parseSessionArn } from "./arn.js";
import type { CloudTrailRecord } from "./record.js";

/** Who made a call, reduced to what storage and classification need. */
export interface Principal {
  /** userIdentity.type, or 'Unknown' when the record has none. */
  type: string;
  /** The caller as CloudTrail names it (session ARN for assumed roles). */
  arn: string;
  /** The stable identity usage is counted under: the role ARN for sessions, the user/root ARN, or `service:<name>`. */
  key: string;
  /** arn:aws:iam::<acct>:role/<path><name> for assumed-role sessions. */
  roleArn: string | null;
  sessionName: string | null;
  accountId: string;
  invokedBy: string | null;
  ec2RoleDelivery: string | null;
  federatedProvider: string | null;
}

/**
 * Reads the principal of a record. For assumed roles the role ARN comes from sessionContext.sessionIssuer (it keeps
 * the role's path); when that is missing it is rebuilt from the session ARN without a path.
 */
export function extractPrincipal(record: CloudTrailRecord): Principal {
  const id = record.userIdentity ?? {};
  const type = id.type ?? "Unknown";
  const accountId = id.accountId ?? record.recipientAccountId ?? "";
  const issuer = id.sessionContext?.sessionIssuer;
  const invokedBy = id.invokedBy ?? null;
  let arn = id.arn ?? "";
  let roleArn: string | null = null;
  let sessionName: string | null = null;
  const session = parseSessionArn(arn);
  if (session) {
    sessionName = session.sessionName;
    roleArn = issuer?.type === "Role" && issuer.arn ? issuer.arn : session.roleArn;
  } else if (type === "AssumedRole" && issuer?.arn) {
    roleArn = issuer.arn;
  }
  if (!arn) {
    if (type === "AWSService" && invokedBy) arn = `service:${invokedBy}`;
    else if (type === "AWSAccount" && id.accountId) arn = `account:${id.accountId}`;
    else arn = id.principalId ? `principal:${id.principalId}` : "unknown";
  }
  return {
    type,
    arn,
    key: roleArn ?? arn,
    roleArn,
    sessionName,
    accountId,
    invokedBy,
    ec2RoleDelivery: id.sessionContext?.ec2RoleDelivery ?? null,
    federatedProvider: id.sessionContext?.webIdFederationData?.federatedProvider ?? null,
  };
}
