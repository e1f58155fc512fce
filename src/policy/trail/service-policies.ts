import { type PolicyDocument, PolicyStatement } from "../policy.schema.js";
import { type EventPlace, param } from "./event-place.js";

/**
 * Policies that services write themselves: KMS's default key policy, and the statement Lambda adds for one
 * AddPermission call. Both are documented, so the model knows them without the trail spelling them out.
 */

/**
 * The key policy KMS gives a key created through the API without one (KMS developer guide, "Default key policy"):
 * the account's root may do everything, so IAM policies in the account decide.
 */
export function defaultKeyPolicy(partition: string, account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/** How Lambda writes the principal it was given: a service, every principal, an account (as its root) or an ARN. */
function lambdaPrincipal(principal: string, partition: string): PolicyStatement["Principal"] {
  if (principal === "*") return "*";
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${partition}:iam::${principal}:root` };
  if (principal.startsWith("arn:")) return { AWS: principal };
  return { Service: principal };
}

/**
 * The statement Lambda stores for AddPermission (Lambda API reference, AddPermission; "Viewing resource-based IAM
 * policies in Lambda"): the response's `statement` when CloudTrail kept it, else rebuilt from the request the way
 * Lambda builds it: SourceArn → ArnLike AWS:SourceArn, SourceAccount → StringEquals AWS:SourceAccount,
 * PrincipalOrgID → aws:PrincipalOrgID, FunctionUrlAuthType → lambda:FunctionUrlAuthType, EventSourceToken →
 * lambda:EventSourceToken.
 */
export function lambdaPermissionStatement(
  place: EventPlace,
  functionArn: string,
  responseStatement: string | undefined,
): PolicyStatement | undefined {
  if (responseStatement !== undefined) {
    const parsed = PolicyStatement.safeParse(safeJson(responseStatement));
    if (parsed.success) return parsed.data;
  }
  const sid = param(place, "statementId");
  const action = param(place, "action");
  const principal = param(place, "principal");
  if (sid === undefined || action === undefined || principal === undefined) return undefined;
  const stringEquals: Record<string, string> = {};
  const account = param(place, "sourceAccount");
  if (account !== undefined) stringEquals["AWS:SourceAccount"] = account;
  const org = param(place, "principalOrgID");
  if (org !== undefined) stringEquals["aws:PrincipalOrgID"] = org;
  const urlAuth = param(place, "functionUrlAuthType");
  if (urlAuth !== undefined) stringEquals["lambda:FunctionUrlAuthType"] = urlAuth;
  const token = param(place, "eventSourceToken");
  if (token !== undefined) stringEquals["lambda:EventSourceToken"] = token;
  const sourceArn = param(place, "sourceArn");
  const condition = {
    ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
    ...(sourceArn === undefined ? {} : { ArnLike: { "AWS:SourceArn": sourceArn } }),
  };
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: lambdaPrincipal(principal, place.partition),
    Action: action,
    Resource: functionArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
