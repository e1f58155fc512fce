/**
 * The subset of a CloudTrail record that deniedby reads. CloudTrail records are loose JSON whose fields vary by
 * service and by year, so everything past the identifying fields is optional and read defensively.
 * Field reference: CloudTrail record contents (userIdentity, sessionContext, requestParameters, …).
 */
export interface SessionIssuer {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer;
  webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, unknown> };
  attributes?: { creationDate?: string; mfaAuthenticated?: string };
  /** "1.0" / "2.0": credentials delivered by EC2 instance metadata (IMDSv1 / IMDSv2). */
  ec2RoleDelivery?: string;
  sourceIdentity?: string;
}

export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  sessionContext?: SessionContext;
}

export interface CloudTrailRecord {
  eventVersion?: string;
  eventID: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity?: UserIdentity;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
  recipientAccountId?: string;
  sharedEventID?: string;
  eventType?: string;
  readOnly?: boolean;
  managementEvent?: boolean;
  vpcEndpointId?: string;
  /** "true" (a boolean in some exports) when the call used an AWS Management Console session; absent otherwise. */
  sessionCredentialFromConsole?: string | boolean;
  [key: string]: unknown;
}

/** Reads a property of an unknown JSON value without trusting its shape. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** A string property, or undefined when absent or not a string. */
export function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === "string" ? v : undefined;
}
