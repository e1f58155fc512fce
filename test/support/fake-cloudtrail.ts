import type { IncomingMessage } from "node:http";
import { type FakeServer, type HttpReply, isSigned, listen, signingKeyOf } from "./fake-aws-http.js";

/** A reply of an AWS JSON 1.1 service: a body, or a service error of the `{"__type", "message"}` shape. */
export type JsonReply =
  | { kind: "ok"; body: unknown }
  | { kind: "error"; status: number; type: string; message: string }
  | { kind: "raw"; status: number; body: string };

export interface JsonCall {
  /** The operation, the part of X-Amz-Target after the dot. */
  operation: string;
  target: string;
  input: Record<string, unknown>;
  headers: IncomingMessage["headers"];
}

export type JsonServer = FakeServer;

/**
 * A local HTTP server speaking the AWS JSON 1.1 protocol, as the SDK clients send it: POST /, the operation in
 * `X-Amz-Target` (`<target prefix>.<Operation>`), a JSON body, and answers typed `application/x-amz-json-1.1`.
 * Requests without a SigV4 Authorization header are refused, so a test cannot pass by skipping the signer.
 */
export function startJsonServer(
  targetPrefixes: string[],
  handle: (call: JsonCall) => JsonReply | Promise<JsonReply>,
): Promise<JsonServer> {
  return listen(async (call) => {
    const target = String(call.headers["x-amz-target"] ?? "");
    const prefix = targetPrefixes.find((p) => target.startsWith(`${p}.`));
    if (call.method !== "POST" || prefix === undefined)
      return jsonReply({
        kind: "error",
        status: 400,
        type: "UnknownOperationException",
        message: `bad target ${target}`,
      });
    if (!isSigned(call.headers))
      return jsonReply({
        kind: "error",
        status: 403,
        type: "MissingAuthenticationTokenException",
        message: "unsigned",
      });
    let input: Record<string, unknown>;
    try {
      const text = call.body.toString("utf8");
      input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return jsonReply({ kind: "error", status: 400, type: "SerializationException", message: "bad json" });
    }
    try {
      const operation = target.slice(prefix.length + 1);
      return jsonReply(await handle({ operation, target, input, headers: call.headers }));
    } catch (error) {
      return jsonReply({
        kind: "error",
        status: 500,
        type: "InternalFailure",
        message: (error as Error).message,
      });
    }
  });
}

function jsonReply(reply: JsonReply): HttpReply {
  if (reply.kind === "raw")
    return { status: reply.status, headers: { "content-type": "text/plain" }, body: reply.body };
  const headers = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "fake" };
  if (reply.kind === "ok") return { status: 200, headers, body: JSON.stringify(reply.body) };
  return {
    status: reply.status,
    headers,
    body: JSON.stringify({ __type: reply.type, message: reply.message }),
  };
}

/** An event held by the fake: the LookupEvents metadata and the CloudTrailEvent string served for it. */
export interface FakeTrailEvent {
  id: string;
  /** Epoch ms, whole seconds like CloudTrail's eventTime. */
  time: number;
  name: string;
  source: string;
  /** Served as is; `makeRecordText` builds a valid one. */
  cloudTrailEvent: string;
}

export interface LookupRequest {
  startTime: number | null;
  endTime: number | null;
  maxResults: number | null;
  nextToken: string | null;
  /** Time of arrival on the injected clock (or Date.now()). */
  at: number;
  /** Time of arrival on the wall clock, whatever clock the test injects. */
  wallAt: number;
  /** The access key id the request was signed with, and the session token sent with it (temporary credentials). */
  accessKeyId: string | null;
  securityToken: string | null;
  /** Whose event history answered: the account of the signing key (`accountOf`), else "default". */
  account: string;
}

export type Fault =
  | { kind: "throttle" }
  | { kind: "status"; status: number }
  | { kind: "error"; status: number; type: string; message?: string };

export interface FakeCloudTrail extends JsonServer {
  requests: LookupRequest[];
  /** Adds events to an account's history ("default": the one every unknown key reads). */
  add(events: FakeTrailEvent[], account?: string): void;
  /** Faults answered instead of the next requests, one each, in order. */
  fail(...faults: Fault[]): void;
  /** Called before each LookupEvents request with its 1-based number; a fault it returns is answered instead. */
  onRequest: ((n: number, request: LookupRequest) => Fault | undefined) | null;
  /** Makes every token handed out so far invalid, as an expired token is. */
  expireTokens(): void;
}

interface TokenState {
  o: number;
  s: number | null;
  e: number | null;
  g: number;
}

export function makeRecordText(e: {
  id: string;
  time: number;
  name: string;
  source: string;
  errorCode?: string;
  errorMessage?: string;
  roleName?: string;
}): string {
  const role = e.roleName ?? "app";
  return JSON.stringify({
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROAEXAMPLE:${role}-session`,
      arn: `arn:aws:sts::111122223333:assumed-role/${role}/${role}-session`,
      accountId: "111122223333",
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROAEXAMPLE",
          arn: `arn:aws:iam::111122223333:role/${role}`,
          accountId: "111122223333",
          userName: role,
        },
      },
    },
    eventTime: new Date(e.time).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: e.source,
    eventName: e.name,
    awsRegion: "eu-west-1",
    sourceIPAddress: "10.0.0.1",
    userAgent: "aws-sdk-js/3",
    ...(e.errorCode ? { errorCode: e.errorCode } : {}),
    ...(e.errorMessage ? { errorMessage: e.errorMessage } : {}),
    requestParameters: null,
    responseElements: null,
    eventID: e.id,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: "111122223333",
  });
}

/** A fake event with a valid record; `id` should be unique, `time` whole seconds. */
export function fakeEvent(
  id: string,
  time: number,
  extra: { name?: string; source?: string; errorCode?: string; errorMessage?: string } = {},
): FakeTrailEvent {
  const name = extra.name ?? "DescribeInstances";
  const source = extra.source ?? "ec2.amazonaws.com";
  return {
    id,
    time,
    name,
    source,
    cloudTrailEvent: makeRecordText({ id, time, name, source, ...extra }),
  };
}

/**
 * A local CloudTrail speaking the JSON 1.1 protocol for LookupEvents, as Event history does: events in
 * [StartTime, EndTime] (both inclusive), newest first, MaxResults (default 50) a page, and a NextToken refused
 * with InvalidNextTokenException when the time parameters differ from the call that issued it or it has expired.
 */
export async function startFakeCloudTrail(
  options: {
    events?: FakeTrailEvent[];
    now?: () => number;
    /** The account whose history a request signed with this key reads (an assumed role's): default "default". */
    accountOf?: (accessKeyId: string | null) => string | undefined;
  } = {},
): Promise<FakeCloudTrail> {
  const now = options.now ?? Date.now;
  // Each account's events, newest first; equal times by id, descending, so that the order is total and stable.
  const histories = new Map<string, FakeTrailEvent[]>();
  const historyOf = (account: string) => histories.get(account) ?? [];
  let generation = 0;
  const faults: Fault[] = [];
  const requests: LookupRequest[] = [];

  /** First index whose time is <= t (events are descending). */
  const firstAtOrBefore = (events: FakeTrailEvent[], t: number) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid]?.time ?? 0) <= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const faultReply = (f: Fault): JsonReply =>
    f.kind === "throttle"
      ? { kind: "error", status: 400, type: "ThrottlingException", message: "Rate exceeded" }
      : f.kind === "status"
        ? {
            kind: "error",
            status: f.status,
            type: "InternalFailure",
            message: "We encountered an internal error",
          }
        : { kind: "error", status: f.status, type: f.type, message: f.message ?? f.type };

  const seconds = (v: unknown) => (typeof v === "number" ? Math.round(v * 1000) : null);

  const fake: FakeCloudTrail = {
    url: "",
    close: async () => {},
    requests,
    add(more, account = "default") {
      const events = historyOf(account).concat(more);
      events.sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      histories.set(account, events);
    },
    fail(...more) {
      faults.push(...more);
    },
    onRequest: null,
    expireTokens() {
      generation++;
    },
  };

  // The SDK sends the short target; the service model's long form is accepted too.
  const server = await startJsonServer(
    ["CloudTrail_20131101", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"],
    (call) => {
      if (call.operation !== "LookupEvents")
        return { kind: "error", status: 400, type: "UnknownOperationException", message: call.operation };
      const input = call.input;
      const request: LookupRequest = {
        startTime: seconds(input.StartTime),
        endTime: seconds(input.EndTime),
        maxResults: typeof input.MaxResults === "number" ? input.MaxResults : null,
        nextToken: typeof input.NextToken === "string" ? input.NextToken : null,
        at: now(),
        wallAt: Date.now(),
        accessKeyId: signingKeyOf(call.headers),
        securityToken:
          typeof call.headers["x-amz-security-token"] === "string"
            ? call.headers["x-amz-security-token"]
            : null,
        account: "default",
      };
      request.account = options.accountOf?.(request.accessKeyId) ?? "default";
      const events = historyOf(request.account);
      requests.push(request);
      const scripted = fake.onRequest?.(requests.length, request) ?? faults.shift();
      if (scripted) return faultReply(scripted);
      const max = request.maxResults ?? 50;
      if (max < 1 || max > 50)
        return { kind: "error", status: 400, type: "InvalidMaxResultsException", message: "1..50" };
      let offset = 0;
      if (request.nextToken !== null) {
        let state: TokenState | null = null;
        try {
          state = JSON.parse(Buffer.from(request.nextToken, "base64url").toString("utf8")) as TokenState;
        } catch {
          state = null;
        }
        if (!state || state.s !== request.startTime || state.e !== request.endTime || state.g !== generation)
          return {
            kind: "error",
            status: 400,
            type: "InvalidNextTokenException",
            message: "Invalid NextToken: parameters differ or the token expired",
          };
        offset = state.o;
      }
      const begin = request.endTime === null ? 0 : firstAtOrBefore(events, request.endTime);
      const stop =
        request.startTime === null ? events.length : firstAtOrBefore(events, request.startTime - 1);
      const from = begin + offset;
      const page = events.slice(from, Math.min(from + max, stop));
      const more = from + max < stop;
      const token: TokenState = { o: offset + max, s: request.startTime, e: request.endTime, g: generation };
      return {
        kind: "ok",
        body: {
          Events: page.map((e) => ({
            EventId: e.id,
            EventName: e.name,
            ReadOnly: "true",
            EventTime: e.time / 1000,
            EventSource: e.source,
            Username: "app-session",
            Resources: [],
            CloudTrailEvent: e.cloudTrailEvent,
          })),
          ...(more ? { NextToken: Buffer.from(JSON.stringify(token)).toString("base64url") } : {}),
        },
      };
    },
  );
  fake.url = server.url;
  fake.close = server.close;
  fake.add(options.events ?? []);
  return fake;
}

/** A clock whose sleeps return at once and move time forward; it records every sleep. */
export function createVirtualClock(start: number) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    sleeps,
    async sleep(ms: number, signal?: AbortSignal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += Math.max(0, ms);
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    },
  };
}
