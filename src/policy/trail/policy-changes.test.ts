import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { policyChangeEventOf, policyChangeEvents, policyChangesFrom } from "./policy-changes.js";

/**
 * Each record is written after the shape CloudTrail logs for the event (the dataset or documentation sample named
 * in the test), with our own names and accounts.
 */
const account = "111122223333";
const doc = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
};

function record(
  eventSource: string,
  eventName: string,
  requestParameters: Record<string, unknown> | null,
  responseElements: Record<string, unknown> | null = null,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord {
  return {
    eventID: `ev-${eventName}`,
    eventTime: "2026-03-01T10:00:00Z",
    eventSource: `${eventSource}.amazonaws.com`,
    eventName,
    awsRegion: "eu-west-1",
    recipientAccountId: account,
    userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${account}:user/admin`, accountId: account },
    requestParameters,
    responseElements,
    ...extra,
  };
}

const only = (r: CloudTrailRecord) => {
  const changes = policyChangesFrom(r);
  expect(changes).toHaveLength(1);
  return changes[0];
};

describe("IAM policy events", () => {
  it("reads PutRolePolicy with its document as JSON text (invictus-ir: PutRolePolicy)", () => {
    const change = only(
      record("iam", "PutRolePolicy", {
        roleName: "app",
        policyName: "inline-policy",
        policyDocument: JSON.stringify(doc),
      }),
    );
    expect(change).toMatchObject({
      eventId: "ev-PutRolePolicy",
      at: "2026-03-01T10:00:00Z",
      event: "iam:PutRolePolicy",
      subjectType: "principal",
      subject: { type: "role", arn: `arn:aws:iam::${account}:role/app`, name: "app", account },
      kind: "inline-policy-put",
      policyName: "inline-policy",
      content: { state: "known", document: doc },
    });
  });

  it("reads a URL-encoded document", () => {
    const change = only(
      record("iam", "PutUserPolicy", {
        userName: "bob",
        policyName: "p",
        policyDocument: encodeURIComponent(JSON.stringify(doc)),
      }),
    );
    expect(change).toMatchObject({ subject: { type: "user", name: "bob" }, content: { state: "known" } });
  });

  it("records a document CloudTrail left out as unknown content, naming why", () => {
    const change = only(record("iam", "PutGroupPolicy", { groupName: "ops", policyName: "p" }));
    expect(change).toMatchObject({
      subject: { type: "group", arn: `arn:aws:iam::${account}:group/ops` },
      content: { state: "unknown", reason: "policyDocument: not recorded" },
    });
  });

  it("records an invalid document as unknown with its problems, not as a guess", () => {
    const bad = JSON.stringify({ Statement: [{ Effect: "Allow", Actions: "s3:*", Resource: "*" }] });
    const change = only(
      record("iam", "PutRolePolicy", { roleName: "a", policyName: "p", policyDocument: bad }),
    );
    expect(change).toMatchObject({ content: { state: "unknown" } });
    expect(
      change?.kind === "inline-policy-put" && change.content.state === "unknown" && change.content.reason,
    ).toMatch(/^policyDocument: Statement/);
  });

  it("reads CreateRole with trust policy, boundary, tags and the path from the response (stratus-red-team)", () => {
    const change = only(
      record(
        "iam",
        "CreateRole",
        {
          roleName: "deploy",
          path: "/ci/",
          assumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::444455556666:root" },
                Action: "sts:AssumeRole",
              },
            ],
          }),
          permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess",
          tags: [{ key: "team", value: "platform" }],
        },
        { role: { arn: `arn:aws:iam::${account}:role/ci/deploy`, roleName: "deploy", path: "/ci/" } },
      ),
    );
    expect(change).toMatchObject({
      kind: "principal-created",
      subject: { type: "role", arn: `arn:aws:iam::${account}:role/ci/deploy`, name: "deploy" },
      boundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess",
      tags: { team: "platform" },
      trust: { state: "known" },
    });
  });

  it("keeps a tag named __proto__ as a tag", () => {
    const change = only(
      record("iam", "TagRole", { roleName: "r", tags: [{ key: "__proto__", value: "x" }] }),
    );
    expect(change?.kind === "tags-added" && Object.entries(change.tags)).toEqual([["__proto__", "x"]]);
  });

  it("reads attachments, boundaries, trust updates, untagging, membership and deletion", () => {
    const cases: [CloudTrailRecord, Record<string, unknown>][] = [
      [
        record("iam", "AttachRolePolicy", {
          roleName: "r",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
        { kind: "managed-policy-attached", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      ],
      [
        record("iam", "DetachGroupPolicy", {
          groupName: "g",
          policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        }),
        { kind: "managed-policy-detached", subject: { type: "group" } },
      ],
      [
        record("iam", "PutUserPermissionsBoundary", {
          userName: "u",
          permissionsBoundary: "arn:aws:iam::aws:policy/X",
        }),
        {
          kind: "permissions-boundary-set",
          policyArn: "arn:aws:iam::aws:policy/X",
          subject: { type: "user" },
        },
      ],
      [
        record("iam", "DeleteRolePermissionsBoundary", { roleName: "r" }),
        { kind: "permissions-boundary-removed" },
      ],
      [
        record("iam", "UpdateAssumeRolePolicy", { roleName: "r", policyDocument: "{nope" }),
        { kind: "trust-policy-set", trust: { state: "unknown" } },
      ],
      [
        record("iam", "UntagRole", { roleName: "r", tagKeys: ["a", 3, "b"] }),
        { kind: "tags-removed", keys: ["a", "b"] },
      ],
      [
        record("iam", "AddUserToGroup", { userName: "u", groupName: "g" }),
        { kind: "group-joined", group: { type: "group", arn: `arn:aws:iam::${account}:group/g` } },
      ],
      [record("iam", "DeleteRole", { roleName: "r" }), { kind: "principal-deleted" }],
      [
        record("iam", "DeleteRolePolicy", { roleName: "r", policyName: "p" }),
        { kind: "inline-policy-deleted", policyName: "p" },
      ],
    ];
    for (const [r, expected] of cases) expect(only(r), r.eventName).toMatchObject(expected);
  });

  it("reads customer managed policy lifecycle events (invictus-ir: CreatePolicy, DeletePolicy)", () => {
    const arn = `arn:aws:iam::${account}:policy/team/reader`;
    expect(
      only(
        record(
          "iam",
          "CreatePolicy",
          { policyName: "reader", path: "/team/", policyDocument: JSON.stringify(doc) },
          { policy: { arn, defaultVersionId: "v1", policyName: "reader", path: "/team/" } },
        ),
      ),
    ).toMatchObject({
      subjectType: "managed-policy",
      subject: { arn, account },
      kind: "managed-policy-created",
      name: "reader",
      path: "/team/",
      versionId: "v1",
      content: { state: "known" },
    });
    expect(
      only(
        record(
          "iam",
          "CreatePolicyVersion",
          { policyArn: arn, policyDocument: JSON.stringify(doc), setAsDefault: true },
          { policyVersion: { versionId: "v2", isDefaultVersion: true } },
        ),
      ),
    ).toMatchObject({ kind: "policy-version-created", versionId: "v2", setAsDefault: true });
    expect(only(record("iam", "SetDefaultPolicyVersion", { policyArn: arn, versionId: "v1" }))).toMatchObject(
      {
        kind: "policy-default-version-set",
        versionId: "v1",
      },
    );
    expect(only(record("iam", "DeletePolicyVersion", { policyArn: arn, versionId: "v2" }))).toMatchObject({
      kind: "policy-version-deleted",
    });
    expect(only(record("iam", "DeletePolicy", { policyArn: arn }))).toMatchObject({
      kind: "managed-policy-deleted",
    });
  });

  it("ignores failed calls, unrelated events and events that do not name their subject", () => {
    expect(
      policyChangesFrom(
        record("iam", "PutRolePolicy", { roleName: "r", policyName: "p" }, null, {
          errorCode: "AccessDenied",
        }),
      ),
    ).toEqual([]);
    expect(policyChangesFrom(record("iam", "GetRole", { roleName: "r" }))).toEqual([]);
    expect(policyChangesFrom(record("iam", "PutRolePolicy", null))).toEqual([]);
    expect(policyChangesFrom(record("iam", "AttachRolePolicy", { roleName: "r" }))).toEqual([]);
  });
});

describe("resource policy events", () => {
  it("reads PutBucketPolicy with the policy as an object, in the event's account (invictus-ir)", () => {
    const policy = {
      ...doc,
      Statement: [{ ...doc.Statement[0], Principal: { Service: "cloudtrail.amazonaws.com" } }],
    };
    expect(
      only(record("s3", "PutBucketPolicy", { bucketName: "logs", bucketPolicy: policy, policy: "" })),
    ).toMatchObject({
      subjectType: "resource",
      subject: { type: "s3-bucket", arn: "arn:aws:s3:::logs", account },
      kind: "resource-policy-set",
      content: { state: "known" },
    });
    expect(only(record("s3", "DeleteBucketPolicy", { bucketName: "logs" }))).toMatchObject({
      kind: "resource-policy-deleted",
    });
  });

  const keyPolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
    ],
  });

  it("reads PutKeyPolicy's JSON text against the key's ARN (panther: PutKeyPolicy)", () => {
    expect(
      only(
        record("kms", "PutKeyPolicy", {
          keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
          policyName: "default",
          policy: keyPolicy,
        }),
      ),
    ).toMatchObject({
      subject: {
        type: "kms-key",
        arn: `arn:aws:kms:eu-west-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      },
      content: { state: "known" },
    });
  });

  it("gives a key created without a policy KMS's default key policy (KMS guide: CreateKey log entry)", () => {
    const arn = `arn:aws:kms:eu-west-1:${account}:key/k1`;
    const change = only(
      record("kms", "CreateKey", { keyUsage: "ENCRYPT_DECRYPT" }, { keyMetadata: { arn, keyId: "k1" } }),
    );
    expect(change).toMatchObject({
      subject: { arn },
      content: {
        state: "known",
        document: {
          Statement: [
            { Sid: "Enable IAM User Permissions", Principal: { AWS: `arn:aws:iam::${account}:root` } },
          ],
        },
      },
    });
    const withPolicy = only(record("kms", "CreateKey", { policy: keyPolicy }, { keyMetadata: { arn } }));
    expect(withPolicy).toMatchObject({ content: { state: "known", document: JSON.parse(keyPolicy) } });
  });

  it("reads SQS and SNS policy attributes; an empty Policy removes the policy", () => {
    const queueUrl = "https://sqs.eu-west-1.amazonaws.com/444455556666/orders";
    const sqsPolicy = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }],
    });
    expect(
      only(record("sqs", "SetQueueAttributes", { queueUrl, attributes: { Policy: sqsPolicy } })),
    ).toMatchObject({
      subject: {
        type: "sqs-queue",
        arn: "arn:aws:sqs:eu-west-1:444455556666:orders",
        account: "444455556666",
      },
      content: { state: "known" },
    });
    expect(only(record("sqs", "SetQueueAttributes", { queueUrl, attributes: { Policy: "" } }))).toMatchObject(
      {
        content: { state: "none" },
      },
    );
    expect(
      policyChangesFrom(record("sqs", "SetQueueAttributes", { queueUrl, attributes: { DelaySeconds: "5" } })),
    ).toEqual([]);
    expect(
      only(
        record(
          "sqs",
          "CreateQueue",
          { queueName: "jobs" },
          { queueUrl: `https://sqs.eu-west-1.amazonaws.com/${account}/jobs` },
        ),
      ),
    ).toMatchObject({
      subject: { arn: `arn:aws:sqs:eu-west-1:${account}:jobs` },
      content: { state: "none" },
    });
    const topicArn = `arn:aws:sns:eu-west-1:${account}:alerts`;
    expect(
      only(
        record("sns", "SetTopicAttributes", { topicArn, attributeName: "Policy", attributeValue: sqsPolicy }),
      ),
    ).toMatchObject({ subject: { type: "sns-topic", arn: topicArn }, content: { state: "known" } });
    expect(
      policyChangesFrom(
        record("sns", "SetTopicAttributes", { topicArn, attributeName: "DisplayName", attributeValue: "x" }),
      ),
    ).toEqual([]);
    expect(only(record("sns", "CreateTopic", { name: "alerts" }, { topicArn }))).toMatchObject({
      content: { state: "none" },
    });
  });

  it("reads ECR and Secrets Manager policies (panther: SetRepositoryPolicy, PutResourcePolicy)", () => {
    const text = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"] }],
    });
    expect(
      only(
        record("ecr", "SetRepositoryPolicy", { repositoryName: "community", policyText: text, force: false }),
      ),
    ).toMatchObject({
      subject: { type: "ecr-repository", arn: `arn:aws:ecr:eu-west-1:${account}:repository/community` },
      content: { state: "known" },
    });
    expect(
      only(
        record("ecr", "DeleteRepositoryPolicy", { repositoryName: "community", registryId: "444455556666" }),
      ),
    ).toMatchObject({
      subject: { arn: "arn:aws:ecr:eu-west-1:444455556666:repository/community" },
      kind: "resource-policy-deleted",
    });
    const secretArn = `arn:aws:secretsmanager:eu-west-1:${account}:secret:db-AbCdEf`;
    expect(
      only(
        record(
          "secretsmanager",
          "PutResourcePolicy",
          { secretId: "db", resourcePolicy: text.replace("ecr:", "secretsmanager:") },
          { arn: secretArn, name: "db" },
        ),
      ),
    ).toMatchObject({ subject: { type: "secretsmanager-secret", arn: secretArn } });
    expect(only(record("secretsmanager", "DeleteResourcePolicy", { secretId: "db" }))).toMatchObject({
      subject: { arn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:db` },
    });
  });

  it("takes Lambda's own statement from AddPermission's response (stratus-red-team: lambda-backdoor-function)", () => {
    const fn = `arn:aws:lambda:eu-west-1:${account}:function:api`;
    const change = only(
      record(
        "lambda",
        "AddPermission20150331v2",
        { functionName: "api", statementId: "backdoor", action: "lambda:InvokeFunction", principal: "*" },
        {
          statement: JSON.stringify({
            Sid: "backdoor",
            Effect: "Allow",
            Principal: "*",
            Action: "lambda:InvokeFunction",
            Resource: fn,
          }),
        },
      ),
    );
    expect(change).toMatchObject({
      event: "lambda:AddPermission",
      subject: { type: "lambda-function", arn: fn },
      kind: "resource-statement-added",
      sid: "backdoor",
      statement: { Principal: "*", Resource: fn },
    });
  });

  it("builds the statement the way Lambda does when the response is missing", () => {
    const change = only(
      record("lambda", "AddPermission20150331", {
        functionName: `arn:aws:lambda:eu-west-1:${account}:function:api:live`,
        statementId: "s3-invoke",
        action: "lambda:InvokeFunction",
        principal: "s3.amazonaws.com",
        sourceArn: "arn:aws:s3:::uploads",
        sourceAccount: account,
      }),
    );
    expect(change).toMatchObject({
      subject: { arn: `arn:aws:lambda:eu-west-1:${account}:function:api:live` },
      statement: {
        Sid: "s3-invoke",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "lambda:InvokeFunction",
        Resource: `arn:aws:lambda:eu-west-1:${account}:function:api:live`,
        Condition: {
          StringEquals: { "AWS:SourceAccount": account },
          ArnLike: { "AWS:SourceArn": "arn:aws:s3:::uploads" },
        },
      },
    });
    const byAccount = only(
      record("lambda", "AddPermission20150331v2", {
        functionName: "444455556666:function:api",
        statementId: "x",
        action: "lambda:GetFunction",
        principal: "777788889999",
      }),
    );
    expect(byAccount).toMatchObject({
      subject: { arn: "arn:aws:lambda:eu-west-1:444455556666:function:api", account: "444455556666" },
      statement: { Principal: { AWS: "arn:aws:iam::777788889999:root" } },
    });
    expect(
      only(record("lambda", "RemovePermission20150331v2", { functionName: "api", statementId: "backdoor" })),
    ).toMatchObject({ kind: "resource-statement-removed", sid: "backdoor" });
  });
});

describe("Organizations policy events", () => {
  const content = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "NoEc2", Effect: "Deny", Action: "ec2:*", Resource: "*" }],
  });

  it("reads an SCP's creation with its id and ARN from the response (Organizations guide sample)", () => {
    const arn = "arn:aws:organizations::111111111111:policy/o-abcdefghij/service_control_policy/p-abcd1234";
    expect(
      only(
        record(
          "organizations",
          "CreatePolicy",
          { name: "No EC2", type: "SERVICE_CONTROL_POLICY", content },
          { policy: { policySummary: { id: "p-abcd1234", arn, type: "SERVICE_CONTROL_POLICY" }, content } },
        ),
      ),
    ).toMatchObject({
      subjectType: "org-policy",
      subject: { id: "p-abcd1234" },
      kind: "org-policy-created",
      name: "No EC2",
      policyType: "SERVICE_CONTROL_POLICY",
      policyArn: arn,
      content: { state: "known" },
    });
  });

  it("ignores policy types that decide no request", () => {
    expect(
      policyChangesFrom(
        record(
          "organizations",
          "CreatePolicy",
          { name: "t", type: "TAG_POLICY", content: "{}" },
          {
            policy: { policySummary: { id: "p-tag12345" } },
          },
        ),
      ),
    ).toEqual([]);
  });

  it("reads updates with and without content, attach and detach with the target's kind", () => {
    expect(only(record("organizations", "UpdatePolicy", { policyId: "p-abcd1234", content }))).toMatchObject({
      kind: "org-policy-updated",
      content: { state: "known" },
    });
    const renamed = only(record("organizations", "UpdatePolicy", { policyId: "p-abcd1234", name: "n" }));
    expect(renamed).toMatchObject({ kind: "org-policy-updated" });
    expect(renamed && "content" in renamed).toBe(false);
    const targets: [string, string][] = [
      ["r-ab12", "root"],
      ["ou-ab12-cdefgh34", "ou"],
      ["444455556666", "account"],
    ];
    for (const [id, type] of targets)
      expect(
        only(record("organizations", "AttachPolicy", { policyId: "p-abcd1234", targetId: id })),
      ).toMatchObject({
        kind: "org-policy-attached",
        target: { id, type },
      });
    expect(
      only(record("organizations", "DetachPolicy", { policyId: "p-FullAWSAccess", targetId: "r-ab12" })),
    ).toMatchObject({ kind: "org-policy-detached", subject: { id: "p-FullAWSAccess" } });
    expect(
      policyChangesFrom(
        record("organizations", "AttachPolicy", { policyId: "__proto__", targetId: "r-ab12" }),
      ),
    ).toEqual([]);
    expect(
      policyChangesFrom(
        record("organizations", "AttachPolicy", { policyId: "p-abcd1234", targetId: "nope" }),
      ),
    ).toEqual([]);
  });
});

describe("policy event names", () => {
  it("strips Lambda's API-version suffix and keys by service", () => {
    expect(
      policyChangeEventOf({ eventSource: "lambda.amazonaws.com", eventName: "AddPermission20150331v2" }),
    ).toBe("lambda:AddPermission");
    expect(policyChangeEventOf({ eventSource: "iam.amazonaws.com", eventName: "CreatePolicy" })).toBe(
      "iam:CreatePolicy",
    );
    expect(
      policyChangeEventOf({ eventSource: "organizations.amazonaws.com", eventName: "CreatePolicy" }),
    ).toBe("organizations:CreatePolicy");
    expect(
      policyChangeEventOf({ eventSource: "s3.amazonaws.com", eventName: "PutRolePolicy" }),
    ).toBeUndefined();
  });
});

describe("the documented event list", () => {
  it("names every event the model reads in docs/policies.md", () => {
    const docs = readFileSync(new URL("../../../docs/policies.md", import.meta.url), "utf8");
    const table = docs.slice(docs.indexOf("| service "), docs.indexOf("Services write some policies"));
    for (const event of policyChangeEvents) {
      const name = event.slice(event.indexOf(":") + 1);
      expect(table, event).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });
});
