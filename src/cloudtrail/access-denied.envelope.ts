import type { Scan } from "./access-denied.scan.js";
import { eventSourceOf, eventSourceOfHost, s3UriArn } from "./access-denied.services.js";

/**
 * What wraps an access-denied message as people paste it: SDK exception text, JSON or XML error bodies, CloudFormation
 * events, ECS stop reasons. The envelope is read for what it adds (the operation and service an SDK names, the error
 * code, EC2's encoded blob, a URL); the message grammar then reads the denial itself by its own anchors, so wrapper
 * text never becomes part of a principal or a resource.
 */
export const messageWrappers = {
  boto: 'botocore / AWS CLI: "An error occurred (Code) when calling the Op operation: …"',
  "boto-legacy": 'old botocore: "A client error (Code) occurred when calling the Op operation: …"',
  "go-v1": 'AWS SDK for Go v1: "Code: message\\n\\tstatus code: 403, request id: …"',
  "go-v2":
    'AWS SDK for Go v2: "operation error S3: GetObject, https response error StatusCode: 403, …, api error Code: …"',
  java: 'AWS SDK for Java: "… (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: …)"',
  "java-legacy":
    'old Java SDK: "Status Code: 403, AWS Service: Amazon S3, …, AWS Error Code: …, AWS Error Message: …"',
  php: 'AWS SDK for PHP: "Error executing "Op" on "https://…"; AWS HTTP error: … Code (client): message - …"',
  "js-v3":
    "AWS SDK for JavaScript v3 stack frames: deserializeAws_query<Op>CommandError / de_<Op>CommandError",
  json: 'a JSON error body or log line: {"__type": …, "Message": "…"}',
  xml: "an XML error body: <Error><Code>…</Code><Message>…</Message></Error>",
  cloudformation:
    'CloudFormation events: "Resource handler returned message: …", "ValidationError: …", "API: svc:Action …"',
  "ecs-stop-reason": "ECS task stop reasons: CannotPullContainerError, ResourceInitializationError, …",
  encoded: 'EC2\'s trailing "Encoded authorization failure message: <blob>"',
} as const;
export type MessageWrapper = keyof typeof messageWrappers;

export interface Envelope {
  wrappers: MessageWrapper[];
  /** The error code a wrapper names (AccessDenied, AccessDeniedException, UnauthorizedOperation, 403, …). */
  errorCode?: string | undefined;
  /** The API operation a wrapper names ("when calling the GetObject operation", "S3: GetObject"). */
  operation?: string | undefined;
  /** The service's CloudTrail event source, from the SDK's service name or an endpoint URL. */
  eventSource?: string | undefined;
  /** CloudFormation's "API: s3:PutBucketPolicy …": the action the event names. */
  apiAction?: string | undefined;
  encodedMessage?: string | undefined;
  /** The S3 object an upload failure names (`upload failed: f to s3://b/k`, `Failed to upload f to b/k`). */
  s3Object?: string | undefined;
}

const ACTION = /([a-z0-9-]{1,40}:[A-Za-z0-9*]{1,128})/y;

/** botocore's sentence, current and old: the anchor, the pattern read from it, the wrapper it names. */
const BOTOCORE: [string, RegExp, MessageWrapper][] = [
  [
    "an error occurred (",
    /An error occurred \(([\w.]{1,80})\) when calling the (\w{1,80}) operation/iy,
    "boto",
  ],
  [
    "a client error (",
    /A client error \(([\w.]{1,80})\) occurred when calling the (\w{1,80}) operation/iy,
    "boto-legacy",
  ],
];

function botocore(scan: Scan, env: Envelope): void {
  for (const [anchor, re, wrapper] of BOTOCORE) {
    const at = scan.find(anchor);
    const m = at === -1 ? null : scan.match(re, at);
    if (m) {
      env.wrappers.push(wrapper);
      env.errorCode = m[1];
      env.operation = m[2];
      return;
    }
  }
  // Tools that reword botocore's sentence keep its tail: "Access denied calling the AssumeRole operation: …".
  const calling = scan.find("calling the ");
  if (calling !== -1) {
    const m = scan.match(/calling the (\w{1,80}) operation\b/iy, calling);
    if (m) env.operation = m[1];
  }
}

function goV2(scan: Scan, env: Envelope): void {
  const at = scan.find("operation error ");
  if (at === -1) return;
  const m = scan.match(/operation error ([A-Za-z0-9 ]{1,40}?): (\w{1,80}),/y, at);
  if (!m?.[1] || !m[2]) return;
  env.wrappers.push("go-v2");
  env.eventSource = eventSourceOf(m[1]);
  env.operation = m[2];
  const api = scan.find("api error ", at);
  const code = api === -1 ? null : scan.match(/api error ([\w.]{1,80}):/y, api);
  if (code?.[1]) env.errorCode = code[1];
}

function java(scan: Scan, env: Envelope): void {
  const at = scan.find("(service: ");
  if (at !== -1) {
    const m = scan.match(
      /\(Service: ([A-Za-z0-9 ]{1,60}?)[;,] Status Code: (\d{3})[;,](?: Error Code: ([\w. ]{1,80}?)[;,])?/y,
      at,
    );
    if (m?.[1]) {
      env.wrappers.push("java");
      env.eventSource ??= eventSourceOf(m[1]);
      if (m[3]) env.errorCode ??= m[3];
      return;
    }
  }
  const legacy = scan.find("aws service: ");
  if (legacy !== -1) {
    const m = scan.match(/AWS Service: ([A-Za-z0-9 ]{1,60}?),/y, legacy);
    if (m?.[1]) {
      env.wrappers.push("java-legacy");
      env.eventSource ??= eventSourceOf(m[1]);
    }
  }
  const code = scan.find("aws error code: ");
  if (code !== -1) {
    const m = scan.match(/AWS Error Code: ([\w.]{1,80})/y, code);
    if (m?.[1]) env.errorCode ??= m[1];
  }
}

function php(scan: Scan, env: Envelope): void {
  const at = scan.find('error executing "');
  if (at === -1) return;
  const m = scan.match(/Error executing "(\w{1,80})" on "https?:\/\/([^"/\s]{1,200})/y, at);
  if (!m?.[1] || !m[2]) return;
  env.wrappers.push("php");
  env.operation = m[1];
  env.eventSource ??= eventSourceOfHost(m[2]);
}

function jsV3(scan: Scan, env: Envelope): void {
  const at = scan.find("deserializeaws_");
  if (at !== -1) {
    const m = scan.match(
      /deserializeAws_(?:query|json1_0|json1_1|restJson1|restXml|ec2)(\w{1,80}?)CommandError/y,
      at,
    );
    if (m?.[1]) {
      env.wrappers.push("js-v3");
      env.operation ??= m[1];
      return;
    }
  }
  const de = scan.find(" de_");
  if (de !== -1) {
    const m = scan.match(/ de_(\w{1,80}?)CommandError/y, de);
    if (m?.[1]) {
      env.wrappers.push("js-v3");
      env.operation ??= m[1];
    }
  }
}

function bodies(scan: Scan, env: Envelope): void {
  if (scan.find("message") !== -1 && (scan.text.startsWith("{") || scan.find('"message":') !== -1))
    env.wrappers.push("json");
  const code = scan.find("<code>");
  if (code !== -1) {
    env.wrappers.push("xml");
    const m = scan.match(/<Code>([\w.]{1,80})<\/Code>/iy, code);
    if (m?.[1]) env.errorCode ??= m[1];
  }
  // Go v2 prints "StatusCode:"; Go v1 "\n\tstatus code: 403, request id: …" (one space once normalised).
  if (scan.findExact(" status code: 4") !== -1) env.wrappers.push("go-v1");
}

function cloudFormation(scan: Scan, env: Envelope): void {
  if (scan.find("resource handler returned message") !== -1 || scan.find("validationerror") !== -1)
    env.wrappers.push("cloudformation");
  const api = scan.findExact("API: ");
  if (api === -1) return;
  const m = scan.match(ACTION, api + 5);
  if (m?.[1]) {
    if (!env.wrappers.includes("cloudformation")) env.wrappers.push("cloudformation");
    env.apiAction = m[1];
  }
}

function ecsStopReason(scan: Scan, env: Envelope): void {
  if (
    scan.find("cannotpullcontainererror") !== -1 ||
    scan.find("resourceinitializationerror") !== -1 ||
    scan.find("cannotpullecrcontainererror") !== -1
  )
    env.wrappers.push("ecs-stop-reason");
}

function encoded(scan: Scan, env: Envelope): void {
  const at = scan.find("encoded authorization failure message:");
  if (at === -1) return;
  env.wrappers.push("encoded");
  const t = scan.token(scan.skipSpaces(at + "encoded authorization failure message:".length));
  if (t.value && !t.value.startsWith("<")) env.encodedMessage = t.value;
}

function endpoint(scan: Scan, env: Envelope): void {
  if (env.eventSource) return;
  const at = scan.find("https://");
  if (at === -1) return;
  const m = scan.match(/https:\/\/([a-z0-9.-]{1,200})/iy, at);
  if (m?.[1]) env.eventSource = eventSourceOfHost(m[1]);
}

function uploads(scan: Scan, env: Envelope): void {
  const uri = scan.find(" to s3://");
  if (uri !== -1) {
    const arn = s3UriArn(scan.token(uri + 4).value);
    if (arn) env.s3Object = arn;
    return;
  }
  // boto3's S3UploadFailedError: "Failed to upload <file> to <bucket>/<key>: <error>".
  const failed = scan.find("failed to upload ");
  if (failed === -1) return;
  const to = scan.find(" to ", failed + 16);
  if (to === -1 || to - failed > SLICE_GAP) return;
  const target = scan.token(to + 4).value.replace(/:$/, "");
  if (/^[a-z0-9.-]{3,63}\/\S+/.test(target)) env.s3Object = `arn:aws:s3:::${target}`;
}
const SLICE_GAP = 400;

/** Reads every wrapper around a (normalised) message. */
/** The words that gate the wrappers, found in one pass: a plain CloudTrail message has none of them. */
const GATES = /error|code|encoded|operation|https:\/\/|upload|message|api: |handler/g;

export function readEnvelope(scan: Scan): Envelope {
  const env: Envelope = { wrappers: [] };
  const seen = scan.words(GATES);
  const error = seen.has("error");
  const code = seen.has("code");
  if (seen.has("encoded")) encoded(scan, env);
  if (seen.has("operation")) {
    botocore(scan, env);
    goV2(scan, env);
  }
  if (code) java(scan, env);
  if (error) {
    php(scan, env);
    jsV3(scan, env);
    ecsStopReason(scan, env);
  }
  if (code || seen.has("message")) bodies(scan, env);
  if (error || seen.has("api: ") || seen.has("handler")) cloudFormation(scan, env);
  if (seen.has("https://")) endpoint(scan, env);
  if (seen.has("upload")) uploads(scan, env);
  return env;
}
