import { type CloudTrailRecord, field, stringField } from "../../cloudtrail/record.js";
import type { ContextValue, RequestPrincipal } from "../policy.types.js";
import { tagsFrom } from "../trail/event-place.js";

/**
 * The request context keys CloudTrail lets us rebuild for one call (AWS "AWS global condition context keys" and
 * the services' condition keys), and the ones that applied to the call but the trail does not record.
 */

export interface ContextFromTrail {
  context: Record<string, ContextValue>;
  unavailable: string[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:]+$/i;
const isIp = (text: string | undefined): text is string =>
  !!text && (IPV4.test(text) || (text.includes(":") && IPV6.test(text)));

/** Services that set aws:CalledVia when they call on with the caller's credentials (AWS global condition keys). */
const CALLED_VIA = new Set([
  "athena.amazonaws.com",
  "cloudformation.amazonaws.com",
  "dynamodb.amazonaws.com",
  "kms.amazonaws.com",
]);

/** Keys every request may carry that CloudTrail never records. */
const NEVER_RECORDED = ["aws:ResourceTag/*", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:Referer"];

/** Global keys read from the event: time, region, network path, TLS, session facts, user agent. */
export function globalContext(
  record: CloudTrailRecord,
  principal: RequestPrincipal,
  action: string,
): ContextFromTrail {
  const context: Record<string, ContextValue> = {};
  const unavailable = [...NEVER_RECORDED];
  const time = Date.parse(record.eventTime);
  if (!Number.isNaN(time)) {
    context["aws:CurrentTime"] = new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
    context["aws:EpochTime"] = String(Math.floor(time / 1000));
  }
  if (record.awsRegion) context["aws:RequestedRegion"] = record.awsRegion;
  if (record.userAgent) context["aws:UserAgent"] = record.userAgent;
  if (field(record, "tlsDetails") !== undefined) context["aws:SecureTransport"] = "true";
  else unavailable.push("aws:SecureTransport");
  context["aws:PrincipalIsAWSService"] = principal.kind === "service" ? "true" : "false";
  if (principal.kind === "service") unavailable.push("aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID");
  networkContext(record, principal, action, context, unavailable);
  sessionContext(record, context, unavailable);
  return { context, unavailable };
}

/**
 * aws:SourceIp only for calls from the internet (not through a VPC endpoint, not made by a service for the caller);
 * through an endpoint, aws:SourceVpce and aws:VpcSourceIp instead. invokedBy says a service called on the caller's
 * behalf: aws:ViaAWSService, aws:CalledVia for the services that set it, kms:ViaService for KMS.
 */
function networkContext(
  record: CloudTrailRecord,
  principal: RequestPrincipal,
  action: string,
  context: Record<string, ContextValue>,
  unavailable: string[],
): void {
  const invokedBy = principal.kind === "service" ? undefined : record.userIdentity?.invokedBy;
  const ip = record.sourceIPAddress ?? undefined;
  if (record.vpcEndpointId) {
    context["aws:SourceVpce"] = record.vpcEndpointId;
    if (isIp(ip)) context["aws:VpcSourceIp"] = ip;
    unavailable.push("aws:SourceVpc");
  } else if (!invokedBy && isIp(ip)) context["aws:SourceIp"] = ip;
  if (invokedBy) {
    context["aws:ViaAWSService"] = "true";
    if (CALLED_VIA.has(invokedBy)) {
      context["aws:CalledVia"] = [invokedBy];
      context["aws:CalledViaFirst"] = invokedBy;
      context["aws:CalledViaLast"] = invokedBy;
    }
    const service = invokedBy.endsWith(".amazonaws.com")
      ? invokedBy.slice(0, -".amazonaws.com".length)
      : undefined;
    if (action.toLowerCase().startsWith("kms:")) {
      if (service && record.awsRegion)
        context["kms:ViaService"] = `${service}.${record.awsRegion}.amazonaws.com`;
      else unavailable.push("kms:ViaService");
    }
  } else if (isIp(ip)) context["aws:ViaAWSService"] = "false";
  else unavailable.push("aws:ViaAWSService");
}

/** Facts of temporary credentials: when issued, with MFA, source identity, web identity provider, EC2 delivery. */
function sessionContext(
  record: CloudTrailRecord,
  context: Record<string, ContextValue>,
  unavailable: string[],
): void {
  const id = record.userIdentity;
  if (id?.principalId && id.type !== "AWSService" && id.type !== "AWSAccount")
    context["aws:userid"] = id.principalId;
  const session = id?.sessionContext;
  const attributes = session?.attributes;
  if (attributes?.creationDate) context["aws:TokenIssueTime"] = attributes.creationDate;
  if (attributes?.mfaAuthenticated) {
    context["aws:MultiFactorAuthPresent"] = attributes.mfaAuthenticated;
    if (attributes.mfaAuthenticated === "true") unavailable.push("aws:MultiFactorAuthAge");
  }
  if (session?.sourceIdentity) context["aws:SourceIdentity"] = session.sourceIdentity;
  const provider = session?.webIdFederationData?.federatedProvider;
  if (provider) context["aws:FederatedProvider"] = provider;
  if (session?.ec2RoleDelivery) context["ec2:RoleDelivery"] = session.ec2RoleDelivery;
}

/** Request keys a few common calls log: S3 listing and upload headers, KMS encryption context, STS, request tags. */
export function serviceContext(
  record: CloudTrailRecord,
  action: string,
  principal: RequestPrincipal,
): Record<string, ContextValue> {
  const p = record.requestParameters ?? {};
  const context: Record<string, ContextValue> = {};
  const copy = (param: string, key: string) => {
    const value =
      stringField(p, param) ?? (typeof field(p, param) === "number" ? String(field(p, param)) : undefined);
    if (value !== undefined) context[key] = value;
  };
  const lower = action.toLowerCase();
  if (lower.startsWith("s3:")) {
    if (lower === "s3:listbucket" || lower === "s3:listbucketversions") {
      for (const k of ["prefix", "delimiter", "max-keys"]) copy(k, `s3:${k}`);
    }
    for (const k of [
      "x-amz-acl",
      "x-amz-server-side-encryption",
      "x-amz-server-side-encryption-aws-kms-key-id",
      "versionId",
    ])
      copy(k, k === "versionId" ? "s3:VersionId" : `s3:${k}`);
  }
  if (lower.startsWith("kms:")) {
    const encryption = field(p, "encryptionContext");
    if (typeof encryption === "object" && encryption !== null) {
      const entries = Object.entries(encryption).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      );
      for (const [k, v] of entries) context[`kms:EncryptionContext:${k}`] = v;
      context["kms:EncryptionContextKeys"] = entries.map(([k]) => k);
    }
    copy("encryptionAlgorithm", "kms:EncryptionAlgorithm");
    if (principal.account) context["kms:CallerAccount"] = principal.account;
  }
  if (lower.startsWith("sts:assumerole")) {
    copy("roleSessionName", "sts:RoleSessionName");
    copy("externalId", "sts:ExternalId");
    copy("sourceIdentity", "sts:SourceIdentity");
  }
  const tags = tagsFrom(field(p, "tags") ?? field(p, "Tags"));
  if (Object.keys(tags).length > 0) {
    for (const [k, v] of Object.entries(tags)) context[`aws:RequestTag/${k}`] = v;
    context["aws:TagKeys"] = Object.keys(tags);
  }
  return context;
}
