import { field, stringField } from "../../cloudtrail/record.js";
import { contentFrom, known } from "../model/policy-content.js";
import type { EventPlace } from "./event-place.js";
import { param, regionalArn, responseString } from "./event-place.js";
import type { ChangeParser } from "./iam-changes.js";
import type { ResourceChange, ResourceSubject, ResourceType } from "./policy-change.js";
import { defaultKeyPolicy, lambdaPermissionStatement } from "./service-policies.js";

/**
 * Resource-policy events, request parameters as each service logs them (its API reference and CloudTrail
 * samples): S3 PutBucketPolicy `{bucketName, bucketPolicy: {…}}`; KMS PutKeyPolicy `{keyId, policyName,
 * policy: "<json>"}` and CreateKey `{policy?}` → `keyMetadata.arn`; SQS SetQueueAttributes `{queueUrl,
 * attributes: {Policy}}` and CreateQueue `{queueName, attributes}` → `queueUrl`; SNS SetTopicAttributes
 * `{topicArn, attributeName, attributeValue}` and CreateTopic `{name, attributes}` → `topicArn`; ECR
 * SetRepositoryPolicy `{repositoryName, registryId?, policyText}`; Secrets Manager PutResourcePolicy `{secretId,
 * resourcePolicy}` → `arn`; Lambda AddPermission `{functionName, statementId, action, principal, sourceArn?…}` →
 * `statement: "<json>"`.
 */

function onResource(
  type: ResourceType,
  subjectOf: (place: EventPlace) => string | undefined,
  build: (place: EventPlace, arn: string) => ResourceChange | undefined,
): ChangeParser {
  return (place) => {
    const arn = subjectOf(place);
    const change = arn && build(place, arn);
    if (!arn || !change) return [];
    const subject: ResourceSubject = { type, arn, account: arn.split(":")[4] || place.account };
    return [{ ...place.origin, subjectType: "resource", subject, ...change }];
  };
}

/** A bucket ARN names no account (`arn:aws:s3:::name`): the policy belongs to the account of the event. */
const bucketArn = (place: EventPlace) => {
  const bucket = param(place, "bucketName");
  return bucket === undefined ? undefined : `arn:${place.partition}:s3:::${bucket}`;
};

const bucketPolicyPut = onResource("s3-bucket", bucketArn, (place) => ({
  kind: "resource-policy-set",
  content: contentFrom(place.params.bucketPolicy ?? place.params.policy, "bucketPolicy"),
}));

function keyArn(place: EventPlace): string | undefined {
  const keyId = param(place, "keyId") ?? responseString(place, "keyMetadata.arn");
  if (keyId === undefined) return undefined;
  return keyId.startsWith("arn:") ? keyId : regionalArn(place, "kms", `key/${keyId}`);
}

const keyPolicyPut = onResource("kms-key", keyArn, (place) => ({
  kind: "resource-policy-set",
  content: contentFrom(place.params.policy, "policy"),
}));

/** A key created without a policy gets KMS's default key policy (see service-policies.ts). */
const keyCreated = onResource("kms-key", keyArn, (place, arn) => ({
  kind: "resource-policy-set",
  content:
    place.params.policy === undefined || place.params.policy === null
      ? known(defaultKeyPolicy(place.partition, arn.split(":")[4] || place.account))
      : contentFrom(place.params.policy, "policy"),
}));

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → the queue's ARN. */
function queueArn(place: EventPlace): string | undefined {
  const url = param(place, "queueUrl") ?? responseString(place, "queueUrl");
  if (url !== undefined) {
    const [name, account] = url.split("/").reverse();
    if (name && account && /^\d{12}$/.test(account)) return regionalArn(place, "sqs", name, account);
  }
  const name = param(place, "queueName");
  return name === undefined ? undefined : regionalArn(place, "sqs", name);
}

/** A Policy attribute set to "" removes the policy (SQS and SNS SetAttributes). */
function attributePolicy(value: unknown, where: string): ResourceChange | undefined {
  if (value === undefined) return undefined;
  if (value === "") return { kind: "resource-policy-set", content: { state: "none" } };
  return { kind: "resource-policy-set", content: contentFrom(value, where) };
}

const queueAttributes = onResource("sqs-queue", queueArn, (place) =>
  attributePolicy(field(place.params.attributes, "Policy"), "attributes.Policy"),
);

/** A queue or topic created without a Policy attribute has no policy of its own. */
const createdPolicy = (place: EventPlace): ResourceChange =>
  attributePolicy(field(place.params.attributes, "Policy"), "attributes.Policy") ?? {
    kind: "resource-policy-set",
    content: { state: "none" },
  };

const queueCreated = onResource("sqs-queue", queueArn, createdPolicy);

const topicArn = (place: EventPlace) => param(place, "topicArn") ?? responseString(place, "topicArn");

const topicAttributes = onResource("sns-topic", topicArn, (place) =>
  param(place, "attributeName") === "Policy"
    ? attributePolicy(place.params.attributeValue, "attributeValue")
    : undefined,
);

/**
 * SNS gives a topic created without a Policy attribute a default policy that lets only the owner account use it;
 * for evaluation that is the same as no resource policy (the owner's identity policies decide, others are denied).
 */
const topicCreated = onResource("sns-topic", topicArn, createdPolicy);

function repositoryArn(place: EventPlace): string | undefined {
  const name = param(place, "repositoryName");
  const registry = param(place, "registryId") ?? responseString(place, "registryId") ?? place.account;
  return name === undefined ? undefined : regionalArn(place, "ecr", `repository/${name}`, registry);
}

const repositoryPolicySet = onResource("ecr-repository", repositoryArn, (place) => ({
  kind: "resource-policy-set",
  content: contentFrom(place.params.policyText ?? place.response.policyText, "policyText"),
}));

/**
 * A secret's ARN ends in six random characters the request may not carry: the response's ARN is preferred, and a
 * secret named without it keeps its name only (`secret:<name>`), which the model matches by prefix.
 */
function secretArn(place: EventPlace): string | undefined {
  const fromResponse = responseString(place, "arn") ?? responseString(place, "aRN");
  if (fromResponse !== undefined) return fromResponse;
  const id = param(place, "secretId");
  if (id === undefined) return undefined;
  return id.startsWith("arn:") ? id : regionalArn(place, "secretsmanager", `secret:${id}`);
}

const secretPolicyPut = onResource("secretsmanager-secret", secretArn, (place) => ({
  kind: "resource-policy-set",
  content: contentFrom(place.params.resourcePolicy, "resourcePolicy"),
}));

/** Lambda names a function by name, partial ARN or ARN, maybe with `:qualifier`; a policy is per qualifier. */
export function functionArn(place: EventPlace): string | undefined {
  const name = param(place, "functionName");
  if (name === undefined) return undefined;
  const qualifier = param(place, "qualifier");
  const parts = name.split(":");
  let arn: string;
  if (name.startsWith("arn:")) arn = parts.slice(0, 7).join(":");
  else if (parts.length >= 3) arn = regionalArn(place, "lambda", `function:${parts[2]}`, parts[0]);
  else arn = regionalArn(place, "lambda", `function:${parts[0]}`);
  const inlineQualifier = name.startsWith("arn:") ? parts[7] : parts.length === 2 ? parts[1] : parts[3];
  const q = qualifier ?? inlineQualifier;
  return q ? `${arn}:${q}` : arn;
}

const permissionAdded = onResource("lambda-function", functionArn, (place, arn) => {
  const sid = param(place, "statementId");
  if (sid === undefined) return undefined;
  const statement = lambdaPermissionStatement(place, arn, stringField(place.response, "statement"));
  return statement ? { kind: "resource-statement-added", sid, statement } : undefined;
});

const permissionRemoved = onResource("lambda-function", functionArn, (place) => {
  const sid = param(place, "statementId");
  return sid === undefined ? undefined : { kind: "resource-statement-removed", sid };
});

const policyDeleted = (type: ResourceType, subjectOf: (place: EventPlace) => string | undefined) =>
  onResource(type, subjectOf, () => ({ kind: "resource-policy-deleted" }));

/** Resource-policy events, keyed `<service>:<eventName>` (Lambda's without its API-version suffix). */
export const resourceChangeParsers = {
  "s3:PutBucketPolicy": bucketPolicyPut,
  "s3:DeleteBucketPolicy": policyDeleted("s3-bucket", bucketArn),
  "kms:PutKeyPolicy": keyPolicyPut,
  "kms:CreateKey": keyCreated,
  "sqs:SetQueueAttributes": queueAttributes,
  "sqs:CreateQueue": queueCreated,
  "sns:SetTopicAttributes": topicAttributes,
  "sns:CreateTopic": topicCreated,
  "ecr:SetRepositoryPolicy": repositoryPolicySet,
  "ecr:DeleteRepositoryPolicy": policyDeleted("ecr-repository", repositoryArn),
  "secretsmanager:PutResourcePolicy": secretPolicyPut,
  "secretsmanager:DeleteResourcePolicy": policyDeleted("secretsmanager-secret", secretArn),
  "lambda:AddPermission": permissionAdded,
  "lambda:RemovePermission": permissionRemoved,
} as const satisfies Record<string, ChangeParser>;
