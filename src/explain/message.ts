import type { RoleCatalogEntry } from "../classify/kinds.js";
import { messageAction, type ParsedDenialMessage, parseAccessDenied } from "../cloudtrail/access-denied.js";
import { eventSourceOf } from "../cloudtrail/access-denied.services.js";
import { quotedRoleArnParts } from "../cloudtrail/arn.js";
import type { CloudTrailRecord, UserIdentity } from "../cloudtrail/record.js";
import { type ExplainContext, type Explanation, explainDenial } from "./explain.js";

/** A pasted error message, and the service it came from when the reader knows it (`s3`, `Secrets Manager`). */
export interface PastedMessage {
  message: string;
  service?: string;
}

/** The event ID an explanation of a message carries: there is no event. */
export const MESSAGE_EVENT_ID = "message";

/** The account a message's principal names, read as loosely as the grammar reads it (`<account id>`, `***`). */
function accountOfQuoted(arn: string): string {
  return arn.split(":")[4] ?? "";
}

/**
 * Who the message says was denied, as CloudTrail's userIdentity would say it. A session's role ARN is rebuilt
 * without a path (session ARNs leave it out), or taken from the catalogue when it knows the role, path and all.
 */
function identityOf(
  parsed: ParsedDenialMessage,
  catalog: ExplainContext["catalog"],
): { identity: UserIdentity; account: string } {
  const arn = parsed.principalArn;
  const account = arn ? accountOfQuoted(arn) : (parsed.accountId ?? "");
  if (!arn?.startsWith("arn:")) return { identity: { type: "Unknown", accountId: account }, account };
  if (/^arn:[\w-]*:iam::[^:]*:user\//.test(arn))
    return { identity: { type: "IAMUser", arn, accountId: account }, account };
  if (/^arn:[\w-]*:iam::[^:]*:root$/.test(arn))
    return { identity: { type: "Root", arn, accountId: account }, account };
  const role = quotedRoleArnParts(arn);
  if (!role) return { identity: { type: "Unknown", arn, accountId: account }, account };
  const partition = arn.split(":")[1] || "aws";
  const rebuilt = `arn:${partition}:iam::${account}:role${role.path}${role.role}`;
  const known: RoleCatalogEntry | undefined = catalog?.(rebuilt);
  return {
    identity: {
      type: "AssumedRole",
      arn,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: "Role", arn: known?.roleArn ?? rebuilt, userName: role.role },
      },
    },
    account,
  };
}

/**
 * The record a pasted message stands for: what the message says (principal, action as the event it would be,
 * error code) and nothing else. No user agent, source address, request parameters or time: the explainer reads
 * only what is there, and says what it could not know (the `message-only` caveats).
 */
export function recordFromMessage(
  input: PastedMessage,
  catalog?: ExplainContext["catalog"],
): CloudTrailRecord {
  const options = input.service === undefined ? {} : { service: input.service };
  const parsed = parseAccessDenied(input.message, null, options);
  const action = messageAction(parsed);
  const prefix = action?.slice(0, action.indexOf(":"));
  const eventSource =
    parsed.eventSource ??
    (input.service ? eventSourceOf(input.service) : undefined) ??
    (prefix ? eventSourceOf(prefix) : undefined) ??
    "";
  const eventName = parsed.wrappedOperation ?? (action ? action.slice(action.indexOf(":") + 1) : "");
  const { identity, account } = identityOf(parsed, catalog);
  const record: CloudTrailRecord = {
    eventID: MESSAGE_EVENT_ID,
    eventTime: "",
    eventSource,
    eventName,
    userIdentity: identity,
    errorCode: parsed.errorCode ?? "AccessDenied",
    errorMessage: input.message,
  };
  if (account) record.recipientAccountId = account;
  return record;
}

/**
 * Explains a pasted access-denied message with the one explainer, as if it were an event that carried nothing
 * but the message: the kind comes from the catalogue when it knows the role, else from what the ARN shows.
 */
export function explainMessage(input: PastedMessage, context: ExplainContext = {}): Explanation {
  return explainDenial(recordFromMessage(input, context.catalog), { ...context, messageOnly: true });
}
