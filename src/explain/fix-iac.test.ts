import { App, CfnResource, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { deniedPutItem } from "../../test/support/policy-events.js";
import { explainDenial } from "./explain.js";
import type { PolicyDocument } from "./explanation.schema.js";
import { cdkOf, cloudFormationOf, type IacOwner, terraformOf } from "./fix-iac.js";

/**
 * The fix as infrastructure code: each form says the same document, and trail text stays one literal of its
 * language whatever it holds (quotes, backslashes, HCL templates, a policy variable).
 */

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} (an IAM policy variable) in trail text is the case under test
const nasty = 'arn:aws:s3:::acme-"quoted"/it\'s\\back ${aws:username} %{if}/*';
const policy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [nasty, "arn:aws:s3:::plain/*"] },
    {
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "arn:aws:kms:eu-west-1:111122223333:key/k-1",
      Condition: { StringEquals: { "kms:ViaService": 'secretsmanager."eu-west-1".amazonaws.com' } },
    },
  ],
};
const owner: IacOwner = {
  identityArn: "arn:aws:iam::111122223333:role/app-task",
  policyName: 'deniedby-app-"task"',
};

/** HCL quoted strings as Terraform reads them: JSON escapes, `$${` and `%%{` for a literal `${` and `%{`. */
function hclLiterals(text: string): string[] {
  return [...text.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) =>
    (JSON.parse(m[0]) as string).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"),
  );
}

describe("Terraform", () => {
  it("writes an aws_iam_policy_document whose literals are the trail's text, with no template in them", () => {
    const tf = terraformOf(policy, owner);
    expect(tf).toMatch(/^data "aws_iam_policy_document" "deniedby_app_task" \{/);
    expect(tf).toContain('resource "aws_iam_role_policy" "deniedby_app_task"');
    expect(tf).toContain("policy = data.aws_iam_policy_document.deniedby_app_task.json");
    // Every `${` left is escaped as `$${`: Terraform interpolates nothing from the trail.
    expect(tf.replace(/\$\$\{/g, "")).not.toMatch(/\$\{/);
    expect(tf.replace(/%%\{/g, "")).not.toMatch(/%\{/);
    const literals = hclLiterals(tf);
    expect(literals).toContain(nasty);
    expect(literals).toContain('secretsmanager."eu-west-1".amazonaws.com');
    expect(literals).toContain('deniedby-app-"task"');
    expect(literals).toContain("app-task");
    expect(tf.match(/ {2}statement \{/g)).toHaveLength(2);
    expect(tf).toContain('test     = "StringEquals"');
  });
});

describe("CloudFormation", () => {
  it("writes an AWS::IAM::RolePolicy whose YAML reads back as the very document", () => {
    const parsed = parseYaml(cloudFormationOf(policy, owner)) as Record<
      string,
      { Type: string; Properties: unknown }
    >;
    const [resource] = Object.values(parsed);
    expect(resource).toEqual({
      Type: "AWS::IAM::RolePolicy",
      Properties: { RoleName: "app-task", PolicyName: 'deniedby-app-"task"', PolicyDocument: policy },
    });
  });

  it("writes a statement list to merge for a policy deniedby does not own", () => {
    expect(parseYaml(cloudFormationOf(policy, null))).toEqual({ Statement: policy.Statement });
  });
});

/**
 * Runs the snippet against the real aws-cdk-lib in a stack and returns each resource as the stack resolves it
 * (each construct's own CloudFormation: synthesising the whole app takes seconds more and adds nothing here).
 */
function synthesise(snippet: string): { Type: string; Properties: Record<string, unknown> }[] {
  const body = snippet.replace(/^import .*$/m, "");
  const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const stack = new Stack(new App(), "Fix");
  new Function("iam", js).call(stack, iam);
  return stack.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c))
    .flatMap((c) => {
      const own = (c as unknown as { _toCloudFormation(): { Resources: object } })._toCloudFormation();
      return Object.values(stack.resolve(own).Resources);
    });
}

describe("CDK", () => {
  it("writes an iam.Policy that synthesises to the very document on the role", () => {
    const policies = Object.values(synthesise(cdkOf(policy, owner))).filter(
      (r) => r.Type === "AWS::IAM::Policy",
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties).toMatchObject({
      PolicyName: 'deniedby-app-"task"',
      Roles: ["app-task"],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [nasty, "arn:aws:s3:::plain/*"],
          },
          policy.Statement[1],
        ],
      },
    });
  });

  it("writes bare statements with their principal for a resource policy", () => {
    const statement = {
      Effect: "Allow" as const,
      Principal: { Service: "config.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: nasty,
    };
    const snippet = cdkOf({ Version: "2012-10-17", Statement: [statement] }, null);
    const js = ts.transpileModule(
      `return ${snippet
        .replace(/^import .*$/m, "")
        .trim()
        .replace(/;$/, "")}`,
      {
        compilerOptions: { target: ts.ScriptTarget.ES2022 },
      },
    ).outputText;
    const built = new Function("iam", js)(iam) as iam.PolicyStatement;
    // A service principal is a token the stack resolves (per partition).
    expect(new Stack(new App(), "Bare").resolve(built.toStatementJson())).toEqual(statement);
  });
});

describe("the explanation carries the three forms", () => {
  it("gives each fix with a policy its infrastructure code, the same document as the command", () => {
    const e = explainDenial(deniedPutItem());
    const code = e.fix.infrastructureCode;
    expect(code?.terraform).toContain('resource "aws_iam_role_policy" "deniedby_app"');
    const [resource] = Object.values(
      parseYaml(code?.cloudFormation ?? "") as Record<string, { Properties: unknown }>,
    );
    expect(resource?.Properties).toEqual({
      RoleName: "app",
      PolicyName: "deniedby-app",
      PolicyDocument: e.fix.policy,
    });
    expect(code?.cdk).toContain('roles: [iam.Role.fromRoleName(this, "DeniedbyRole", "app")]');
  });
});
