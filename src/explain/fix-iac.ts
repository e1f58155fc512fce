import { principalNameOf } from "../cloudtrail/arn.js";
import type { InfrastructureCode, PolicyDocument, PolicyStatement } from "./explanation.schema.js";

/**
 * A fix as infrastructure code (issue 13 step 3): a Terraform `aws_iam_policy_document`, a CloudFormation snippet
 * and a CDK `iam.PolicyStatement`, each for the same document the command writes. Every string from the trail
 * (role names, resources, condition values) is written as a string literal of its language, escaped there: a
 * resource holding `"`, `\` or `${…}` stays one literal (HCL also reads `${` and `%{` as templates, doubled here).
 */

/** Whose inline policy the document is, when it is one deniedby owns. */
export interface IacOwner {
  identityArn: string;
  policyName: string;
}

const listOf = (x: string | string[]): string[] => (Array.isArray(x) ? x : [x]);

/** An HCL quoted string: JSON's escapes (HCL shares them) with template sequences doubled. */
export function hclString(s: string): string {
  return JSON.stringify(s)
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
}

/** A label or identifier: letters, digits and `_`, starting with a letter. */
function identifier(s: string, sep: "_" | ""): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined =
    sep === "_"
      ? words.join("_").toLowerCase()
      : words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return /^[A-Za-z]/.test(joined) ? joined : `p${sep}${joined}`;
}

const hclList = (xs: string[]) => `[${xs.map(hclString).join(", ")}]`;

function hclStatement(st: PolicyStatement): string[] {
  const lines = ["  statement {"];
  if (st.Sid) lines.push(`    sid       = ${hclString(st.Sid)}`);
  lines.push(`    effect    = ${hclString(st.Effect)}`);
  lines.push(`    actions   = ${hclList(listOf(st.Action))}`);
  lines.push(`    resources = ${hclList(listOf(st.Resource))}`);
  if (st.Principal) {
    const [type, id] =
      "Service" in st.Principal ? ["Service", st.Principal.Service] : ["AWS", st.Principal.AWS];
    lines.push(
      "    principals {",
      `      type        = ${hclString(type)}`,
      `      identifiers = ${hclList([id])}`,
      "    }",
    );
  }
  for (const [test, pairs] of Object.entries(st.Condition ?? {}))
    for (const [variable, value] of Object.entries(pairs))
      lines.push(
        "    condition {",
        `      test     = ${hclString(test)}`,
        `      variable = ${hclString(variable)}`,
        `      values   = ${hclList([value])}`,
        "    }",
      );
  lines.push("  }");
  return lines;
}

export function terraformOf(policy: PolicyDocument, owner: IacOwner | null): string {
  const name = identifier(owner?.policyName ?? "deniedby_fix", "_");
  const lines = [
    `data "aws_iam_policy_document" "${name}" {`,
    ...policy.Statement.flatMap(hclStatement),
    "}",
  ];
  if (owner) {
    const user = owner.identityArn.includes(":user/");
    lines.push(
      "",
      `resource "${user ? "aws_iam_user_policy" : "aws_iam_role_policy"}" "${name}" {`,
      `  name   = ${hclString(owner.policyName)}`,
      `  ${user ? "user" : "role"}   = ${hclString(principalNameOf(owner.identityArn))}`,
      `  policy = data.aws_iam_policy_document.${name}.json`,
      "}",
    );
  }
  return lines.join("\n");
}

/** YAML lines of a value, every scalar a double-quoted JSON string (a valid YAML double-quoted scalar). */
function yamlLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value))
    return value.flatMap((v) => {
      const [first = "", ...rest] = yamlLines(v, `${indent}  `);
      return typeof v === "object"
        ? [`${indent}- ${first.trimStart()}`, ...rest]
        : [`${indent}- ${first.trim()}`];
    });
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v === "object" && v !== null
        ? [`${indent}${JSON.stringify(k)}:`, ...yamlLines(v, `${indent}  `)]
        : [`${indent}${JSON.stringify(k)}: ${JSON.stringify(v)}`],
    );
  return [`${indent}${JSON.stringify(value)}`];
}

export function cloudFormationOf(policy: PolicyDocument, owner: IacOwner | null): string {
  if (!owner)
    return [
      "# Statements to merge into the policy's PolicyDocument (or PolicyDocument.Statement):",
      ...yamlLines({ Statement: policy.Statement }, ""),
    ].join("\n");
  const user = owner.identityArn.includes(":user/");
  const resource = {
    [identifier(owner.policyName, "")]: {
      Type: user ? "AWS::IAM::UserPolicy" : "AWS::IAM::RolePolicy",
      Properties: {
        [user ? "UserName" : "RoleName"]: principalNameOf(owner.identityArn),
        PolicyName: owner.policyName,
        PolicyDocument: policy,
      },
    },
  };
  return yamlLines(resource, "").join("\n");
}

function cdkStatement(st: PolicyStatement): string {
  const lines = ["new iam.PolicyStatement({"];
  if (st.Sid) lines.push(`  sid: ${JSON.stringify(st.Sid)},`);
  lines.push(`  effect: iam.Effect.${st.Effect === "Allow" ? "ALLOW" : "DENY"},`);
  if (st.Principal)
    lines.push(
      "Service" in st.Principal
        ? `  principals: [new iam.ServicePrincipal(${JSON.stringify(st.Principal.Service)})],`
        : `  principals: [new iam.ArnPrincipal(${JSON.stringify(st.Principal.AWS)})],`,
    );
  lines.push(`  actions: ${JSON.stringify(listOf(st.Action))},`);
  lines.push(`  resources: ${JSON.stringify(listOf(st.Resource))},`);
  if (st.Condition) lines.push(`  conditions: ${JSON.stringify(st.Condition)},`);
  lines.push("})");
  return lines.join("\n");
}

const indented = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => by + l)
    .join("\n");

export function cdkOf(policy: PolicyDocument, owner: IacOwner | null): string {
  const statements = policy.Statement.map(cdkStatement);
  const header = 'import * as iam from "aws-cdk-lib/aws-iam";';
  if (!owner) return [header, "", ...statements.map((s) => `${s};`)].join("\n");
  const user = owner.identityArn.includes(":user/");
  const name = principalNameOf(owner.identityArn);
  const who = user
    ? `users: [iam.User.fromUserName(this, "DeniedbyUser", ${JSON.stringify(name)})],`
    : `roles: [iam.Role.fromRoleName(this, "DeniedbyRole", ${JSON.stringify(name)})],`;
  return [
    header,
    "",
    `new iam.Policy(this, ${JSON.stringify(identifier(owner.policyName, ""))}, {`,
    `  policyName: ${JSON.stringify(owner.policyName)},`,
    `  ${who}`,
    "  statements: [",
    ...statements.map((s) => `${indented(s, "    ")},`),
    "  ],",
    "});",
  ].join("\n");
}

/** The three forms of a fix's document. */
export function infrastructureCodeOf(policy: PolicyDocument, owner: IacOwner | null): InfrastructureCode {
  return {
    terraform: terraformOf(policy, owner),
    cloudFormation: cloudFormationOf(policy, owner),
    cdk: cdkOf(policy, owner),
  };
}
