import { randomBytes } from "node:crypto";
import { type FakeServer, isSigned, listen, signingKeyOf } from "./fake-aws-http.js";

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  externalId: string | null;
  durationSeconds: number | null;
  /** The access key id the request was signed with (the caller's own credentials). */
  signedWith: string | null;
  at: number;
}

/** Temporary credentials handed out, and whose they are. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  account: string;
  roleArn: string;
  expiration: number;
}

export interface FakeSts extends FakeServer {
  requests: AssumeRoleRequest[];
  issued: IssuedCredentials[];
  /** The account whose assumed role issued this access key id. */
  accountOf(accessKeyId: string | null): string | undefined;
  /** When set, AssumeRole of a role whose trust policy wants an external id refuses any other (AccessDenied). */
  externalIds: Map<string, string>;
}

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function errorReply(status: number, code: string, message: string) {
  return {
    status,
    headers: { "content-type": "text/xml" },
    body:
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
      `<Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
  };
}

function credentialsReply(c: IssuedCredentials, sessionName: string) {
  const roleName = c.roleArn.slice(c.roleArn.lastIndexOf("/") + 1);
  return {
    status: 200,
    headers: { "content-type": "text/xml" },
    body:
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xml(sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${c.account}:assumed-role/${xml(roleName)}/${xml(sessionName)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${c.sessionToken}</SessionToken><Expiration>${new Date(c.expiration).toISOString()}</Expiration>` +
      `</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>` +
      `</AssumeRoleResponse>`,
  };
}

/**
 * A local STS speaking the query protocol the SDK's STS client sends (POST /, a form-encoded body with
 * `Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…&ExternalId=…`, XML answers): AssumeRole hands
 * out fresh temporary credentials for the role's account and records who asked for what, signed with which key.
 * A role listed in `externalIds` is refused without its external id, as a trust policy's `sts:ExternalId` condition
 * refuses it. Unsigned requests are refused.
 */
export async function startFakeSts(options: { now?: () => number } = {}): Promise<FakeSts> {
  const now = options.now ?? Date.now;
  const requests: AssumeRoleRequest[] = [];
  const issued: IssuedCredentials[] = [];
  const externalIds = new Map<string, string>();
  const server = await listen((call) => {
    if (!isSigned(call.headers)) return errorReply(403, "MissingAuthenticationToken", "unsigned");
    const form = new URLSearchParams(call.body.toString("utf8"));
    if (form.get("Action") !== "AssumeRole")
      return errorReply(400, "InvalidAction", `the fake does not serve ${form.get("Action")}`);
    const roleArn = form.get("RoleArn") ?? "";
    const duration = form.get("DurationSeconds");
    const request: AssumeRoleRequest = {
      roleArn,
      roleSessionName: form.get("RoleSessionName") ?? "",
      externalId: form.get("ExternalId"),
      durationSeconds: duration === null ? null : Number(duration),
      signedWith: signingKeyOf(call.headers),
      at: now(),
    };
    requests.push(request);
    const account = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
    if (account === undefined) return errorReply(400, "ValidationError", `bad role ARN ${roleArn}`);
    const wanted = externalIds.get(roleArn);
    if (wanted !== undefined && wanted !== request.externalId)
      return errorReply(403, "AccessDenied", `not authorized to perform sts:AssumeRole on ${roleArn}`);
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${account}${String(issued.length).padStart(4, "0")}`,
      secretAccessKey: randomBytes(20).toString("base64url"),
      sessionToken: randomBytes(32).toString("base64url"),
      account,
      roleArn,
      // On the wall clock: the SDK checks expiry against Date.now(), whatever clock a test runs on.
      expiration: Date.now() + (request.durationSeconds ?? 3600) * 1000,
    };
    issued.push(credentials);
    return credentialsReply(credentials, request.roleSessionName);
  });
  return {
    ...server,
    requests,
    issued,
    externalIds,
    accountOf: (id) => issued.find((c) => c.accessKeyId === id)?.account,
  };
}
