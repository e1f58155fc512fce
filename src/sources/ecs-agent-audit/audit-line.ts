import type { CredentialRequest } from "../source.js";

/**
 * One line of the ECS container agent's credential audit log (`/var/log/ecs/audit.log`, rotated to
 * `audit.log.YYYY-MM-DD-HH`): the agent writes one per request to its task credentials endpoint, fields separated by
 * single spaces, an empty field written as `-` (AWS, "Viewing IAM role requests for Amazon ECS tasks", ECS
 * Developer Guide; amazon-ecs-agent agent/logger/audit/entry_types.go):
 *
 *   time status caller-address "uri" "user-agent" task-arn event-type version cluster container-instance-arn
 *
 * The uri is the request's path only: the agent never logs the credentials id (`/v2/credentials/<id>` is written
 * `/v2/credentials`, and v1's `?id=` is a query). The event type says which role's credentials were served:
 * GetCredentials (the task role), GetCredentialsExecutionRole (the execution role, asked by the agent's own log
 * driver or image pull), GetCredentialsInvalidRoleType (neither; written without the last four fields).
 */
export type AuditLine = { ok: true; request: CredentialRequest } | { ok: false; detail: string };

const ROLE_TYPES: Record<string, CredentialRequest["roleType"]> = {
  GetCredentials: "task",
  GetCredentialsExecutionRole: "execution",
  GetCredentialsInvalidRoleType: "invalid",
};

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const field = (value: string | undefined): string | null =>
  value === undefined || value === "" || value === "-" ? null : value;

/** A quoted field as written (`"…"`), unquoted; null when it is not quoted. */
function unquote(value: string): string | null {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : null;
}

const arnOf = (value: string | undefined, kind: string): string | null | false => {
  const v = field(value);
  if (v === null) return null;
  return v.startsWith("arn:") && v.includes(`:${kind}/`) ? v : false;
};

/** The last fields of a line: task ARN, event type, version, cluster, container instance (the last four optional). */
function tail(tokens: string[]): { rest: string[]; fields: string[] } | null {
  const type = tokens.at(-4);
  if (type !== undefined && ROLE_TYPES[type] !== undefined && /^\d+$/.test(tokens.at(-3) ?? ""))
    return { rest: tokens.slice(0, -5), fields: tokens.slice(-5) };
  // GetCredentialsInvalidRoleType: the agent writes no type fields (the line ends at the task ARN).
  return tokens.length >= 1
    ? { rest: tokens.slice(0, -1), fields: [tokens.at(-1) ?? "", "GetCredentialsInvalidRoleType"] }
    : null;
}

/** Parses one audit line; anything that is not one is `ok: false` with what was wrong. */
export function parseAuditLine(line: string): AuditLine {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  const [time, status, address, uriToken, ...after] = text.trimEnd().split(" ");
  if (time === undefined || !TIME.test(time))
    return { ok: false, detail: "no timestamp at the start of the line" };
  const at = Date.parse(time);
  if (Number.isNaN(at)) return { ok: false, detail: `timestamp ${time} is not a date` };
  if (status === undefined || !/^\d{3}$/.test(status))
    return { ok: false, detail: "no HTTP status after the time" };
  const uri = uriToken === undefined ? null : unquote(uriToken);
  if (uri === null || !uri.startsWith("/")) return { ok: false, detail: "no quoted credentials URI" };
  const end = tail(after);
  if (end === null || end.rest.length === 0)
    return { ok: false, detail: "the line ends before the task ARN" };
  const agent = unquote(end.rest.join(" "));
  if (agent === null) return { ok: false, detail: "no quoted user agent" };
  const [taskToken, type, , cluster, instance] = end.fields;
  const taskArn = arnOf(taskToken, "task");
  const containerInstanceArn = arnOf(instance, "container-instance");
  if (taskArn === false) return { ok: false, detail: `${taskToken} is not a task ARN` };
  if (containerInstanceArn === false)
    return { ok: false, detail: `${instance} is not a container instance ARN` };
  return {
    ok: true,
    request: {
      time: at,
      status: Number(status),
      callerAddress: field(address),
      uri,
      callerAgent: field(agent),
      taskArn,
      roleType: ROLE_TYPES[type ?? ""] ?? "invalid",
      cluster: field(cluster),
      containerInstanceArn,
    },
  };
}
