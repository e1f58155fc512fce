import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import {
  type FakeServer,
  type FaultOptions,
  FaultScript,
  type HttpCall,
  type HttpReply,
  isSigned,
  listen,
  signingKeyOf,
} from "./fake-aws-http.js";

export type S3Operation = "ListObjectsV2" | "GetObject" | "HeadObject" | "Unsupported";

export interface S3Request {
  method: string;
  /** The raw path, `/bucket/key` (path-style addressing). */
  path: string;
  query: Record<string, string>;
  operation: S3Operation;
  bucket: string | null;
  key: string | null;
  /** Time of arrival on the fake's clock. */
  at: number;
  /** The status answered. */
  status: number;
  /** The access key id the request was signed with. */
  accessKeyId: string | null;
}

/** An S3 error reply: the status and the `<Code>` of the XML error body. */
export interface S3Fault {
  status: number;
  code: string;
  message: string;
}

export const SLOW_DOWN: Readonly<S3Fault> = Object.freeze({
  status: 503,
  code: "SlowDown",
  message: "Please reduce your request rate.",
});
export const ACCESS_DENIED: Readonly<S3Fault> = Object.freeze({
  status: 403,
  code: "AccessDenied",
  message: "Access Denied",
});
export const INTERNAL_ERROR: Readonly<S3Fault> = Object.freeze({
  status: 500,
  code: "InternalError",
  message: "We encountered an internal error. Please try again.",
});

export interface S3ObjectInfo {
  key: string;
  size: number;
  /** Hex MD5 of the body, unquoted as in event notifications; the ETag header serves it quoted. */
  eTag: string;
  /** Epoch ms on the fake's clock. */
  lastModified: number;
}

interface StoredObject extends S3ObjectInfo {
  body: Buffer;
  headers: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  /** CloudTrail writes its log files with `Content-Encoding: gzip`; the SDK hands the bytes over as they are. */
  contentEncoding?: string;
}

export interface FakeS3 extends FakeServer {
  /** Every request in arrival order. */
  requests: S3Request[];
  createBucket(name: string): void;
  /** Stores (or replaces) an object, creating its bucket; a different body gives a different ETag. */
  put(bucket: string, key: string, body: Buffer | string, options?: PutOptions): S3ObjectInfo;
  /** Removes an object, as a lifecycle rule or another writer would between a list and a get. */
  delete(bucket: string, key: string): boolean;
  object(bucket: string, key: string): S3ObjectInfo | undefined;
  /** Answers matching requests with `fault` (once unless `times` says otherwise). */
  fail(fault: S3Fault, options?: FaultOptions<S3Request>): void;
  /** Called before each request is answered; a fault it returns is answered instead. */
  onRequest: ((request: S3Request) => S3Fault | undefined) | null;
}

const ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
});
const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order above the BMP. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function errorReply(fault: S3Fault, requestId: string, extra: Record<string, string> = {}): HttpReply {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join("");
  return {
    status: fault.status,
    headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
      `<Message>${xmlEscape(fault.message)}</Message>${fields}<RequestId>${requestId}</RequestId>` +
      `<HostId>fake-host</HostId></Error>`,
  };
}

function describe(call: HttpCall, at: number): S3Request {
  const [rawBucket = "", ...rest] = call.path.slice(1).split("/");
  const bucket = rawBucket === "" ? null : decodeURIComponent(rawBucket);
  const joined = rest.map(decodeURIComponent).join("/");
  const key = joined === "" ? null : joined;
  const operation: S3Operation =
    bucket === null
      ? "Unsupported"
      : key === null
        ? call.method === "GET" && call.query.get("list-type") === "2"
          ? "ListObjectsV2"
          : "Unsupported"
        : call.method === "GET"
          ? "GetObject"
          : call.method === "HEAD"
            ? "HeadObject"
            : "Unsupported";
  return {
    method: call.method,
    path: call.path,
    query: Object.fromEntries(call.query),
    operation,
    bucket,
    key,
    at,
    status: 0,
    accessKeyId: signingKeyOf(call.headers),
  };
}

/** Where a page resumes: after a key, or after every key under a common prefix. */
interface Resume {
  after: string;
  commonPrefix: boolean;
}

const encodeToken = (r: Resume) => Buffer.from(JSON.stringify(r)).toString("base64url");

function decodeToken(token: string): Resume | null {
  try {
    const r = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<Resume>;
    return typeof r.after === "string" && typeof r.commonPrefix === "boolean"
      ? { after: r.after, commonPrefix: r.commonPrefix }
      : null;
  } catch {
    return null;
  }
}

type Entry = { kind: "key"; key: string } | { kind: "prefix"; prefix: string };

/** Up to `limit` entries after `resume`: keys, and the common prefixes that stand for the keys under them. */
function entriesAfter(
  sortedKeys: string[],
  query: { prefix: string; delimiter: string },
  resume: Resume,
  limit: number,
): Entry[] {
  const entries: Entry[] = [];
  let lastPrefix: string | null = null;
  for (const key of sortedKeys) {
    if (entries.length >= limit) break;
    if (!key.startsWith(query.prefix) || byteOrder(key, resume.after) <= 0) continue;
    if (resume.commonPrefix && key.startsWith(resume.after)) continue;
    const cut = query.delimiter === "" ? -1 : key.indexOf(query.delimiter, query.prefix.length);
    if (cut === -1) {
      entries.push({ kind: "key", key });
      continue;
    }
    const prefix = key.slice(0, cut + query.delimiter.length);
    if (prefix === lastPrefix) continue;
    lastPrefix = prefix;
    entries.push({ kind: "prefix", prefix });
  }
  return entries;
}

function listObjectsV2(name: string, objects: Map<string, StoredObject>, q: URLSearchParams, id: string) {
  const maxKeys = Number(q.get("max-keys") ?? "1000");
  if (!Number.isInteger(maxKeys) || maxKeys < 0)
    return errorReply(
      {
        status: 400,
        code: "InvalidArgument",
        message: "Provided max-keys not an integer or within integer range",
      },
      id,
    );
  const max = Math.min(maxKeys, 1000);
  const query = { prefix: q.get("prefix") ?? "", delimiter: q.get("delimiter") ?? "" };
  const token = q.get("continuation-token");
  const resume =
    token === null ? { after: q.get("start-after") ?? "", commonPrefix: false } : decodeToken(token);
  if (resume === null)
    return errorReply(
      { status: 400, code: "InvalidArgument", message: "The continuation token provided is incorrect" },
      id,
    );
  const found = entriesAfter([...objects.keys()].sort(byteOrder), query, resume, max + 1);
  const page = found.slice(0, max);
  const last = page.at(-1);
  const next =
    found.length > max && last
      ? encodeToken(
          last.kind === "key"
            ? { after: last.key, commonPrefix: false }
            : { after: last.prefix, commonPrefix: true },
        )
      : null;
  const tag = (el: string, value: string | null) =>
    value === null ? "" : `<${el}>${xmlEscape(value)}</${el}>`;
  const contents = page.map((e) => {
    if (e.kind === "prefix") return `<CommonPrefixes>${tag("Prefix", e.prefix)}</CommonPrefixes>`;
    const o = objects.get(e.key) as StoredObject;
    return `<Contents>${tag("Key", o.key)}${tag("LastModified", new Date(o.lastModified).toISOString())}${tag("ETag", `"${o.eTag}"`)}<Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  });
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `${tag("Name", name)}${tag("Prefix", query.prefix)}${tag("Delimiter", query.delimiter || null)}` +
    `<MaxKeys>${max}</MaxKeys><KeyCount>${page.length}</KeyCount><IsTruncated>${next !== null}</IsTruncated>` +
    `${tag("ContinuationToken", token)}${tag("NextContinuationToken", next)}${tag("StartAfter", q.get("start-after"))}` +
    `${contents.join("")}</ListBucketResult>`;
  return { status: 200, headers: { "content-type": "application/xml", "x-amz-request-id": id }, body };
}

/** A single `bytes=` range as S3 reads it: null to serve the whole object, "unsatisfiable" for a 416. */
function parseRange(
  header: string | undefined,
  size: number,
): { from: number; to: number } | "unsatisfiable" | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? "unsatisfiable" : { from: Math.max(0, size - suffix), to: size - 1 };
  }
  const from = Number(m[1]);
  if (from >= size) return "unsatisfiable";
  const to = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return to < from ? null : { from, to };
}

function getObject(o: StoredObject, headers: IncomingHttpHeaders, id: string): HttpReply {
  const etag = `"${o.eTag}"`;
  const base = { ...o.headers, etag, "x-amz-request-id": id };
  const ifMatch = headers["if-match"];
  if (ifMatch !== undefined && ifMatch !== etag && ifMatch !== "*")
    return errorReply(
      {
        status: 412,
        code: "PreconditionFailed",
        message: "At least one of the pre-conditions you specified did not hold",
      },
      id,
      { Condition: "If-Match" },
    );
  if (headers["if-none-match"] === etag) return { status: 304, headers: base, body: "" };
  const range = parseRange(headers.range, o.size);
  if (range === "unsatisfiable")
    return errorReply(
      { status: 416, code: "InvalidRange", message: "The requested range is not satisfiable" },
      id,
      { RangeRequested: headers.range ?? "" },
    );
  if (range === null)
    return { status: 200, headers: { ...base, "content-length": String(o.size) }, body: o.body };
  const body = o.body.subarray(range.from, range.to + 1);
  return {
    status: 206,
    headers: {
      ...base,
      "content-length": String(body.length),
      "content-range": `bytes ${range.from}-${range.to}/${o.size}`,
    },
    body,
  };
}

type Buckets = Map<string, Map<string, StoredObject>>;

/** The reply of a signed request that no fault answered. */
function serve(buckets: Buckets, call: HttpCall, request: S3Request, id: string): HttpReply {
  if (request.bucket === null || request.operation === "Unsupported") {
    const message = `the fake does not serve ${call.method} ${call.path}`;
    return errorReply({ status: 501, code: "NotImplemented", message }, id);
  }
  const bucket = buckets.get(request.bucket);
  if (!bucket) {
    const fault = { status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist" };
    return errorReply(fault, id, { BucketName: request.bucket });
  }
  if (request.operation === "ListObjectsV2") return listObjectsV2(request.bucket, bucket, call.query, id);
  const object = bucket.get(request.key ?? "");
  if (!object) {
    const fault = { status: 404, code: "NoSuchKey", message: "The specified key does not exist." };
    return errorReply(fault, id, { Key: request.key ?? "" });
  }
  return getObject(object, call.headers, id);
}

function storedObject(key: string, body: Buffer | string, options: PutOptions, at: number): StoredObject {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  // Last-Modified has whole seconds.
  const lastModified = Math.floor(at / 1000) * 1000;
  return {
    key,
    size: bytes.length,
    eTag: createHash("md5").update(bytes).digest("hex"),
    lastModified,
    body: bytes,
    headers: {
      "content-type": options.contentType ?? "application/octet-stream",
      "last-modified": new Date(lastModified).toUTCString(),
      "accept-ranges": "bytes",
      ...(options.contentEncoding ? { "content-encoding": options.contentEncoding } : {}),
    },
  };
}

const infoOf = (o: StoredObject): S3ObjectInfo => ({
  key: o.key,
  size: o.size,
  eTag: o.eTag,
  lastModified: o.lastModified,
});

/**
 * A local S3 speaking the REST protocol with path-style addressing (`/bucket/key`; the client needs
 * `forcePathStyle: true`): ListObjectsV2 (prefix, delimiter and CommonPrefixes, max-keys up to 1,000,
 * continuation tokens, StartAfter), GetObject and HeadObject (ETag, Content-Length, one Range, If-Match,
 * If-None-Match), NoSuchBucket / NoSuchKey errors as S3's XML bodies, and scripted faults. Unsigned requests are
 * refused, so a test cannot pass by skipping the signer.
 */
export async function startFakeS3(options: { now?: () => number } = {}): Promise<FakeS3> {
  const now = options.now ?? Date.now;
  const buckets: Buckets = new Map();
  const faults = new FaultScript<S3Request, S3Fault>();
  const requests: S3Request[] = [];
  let served = 0;

  const answer = (call: HttpCall, request: S3Request, id: string): HttpReply => {
    if (!isSigned(call.headers)) return errorReply({ ...ACCESS_DENIED, message: "unsigned request" }, id);
    const fault = fake.onRequest?.(request) ?? faults.take(request);
    return fault ? errorReply(fault, id) : serve(buckets, call, request, id);
  };
  const server = await listen((call) => {
    const request = describe(call, now());
    requests.push(request);
    const reply = answer(call, request, `FAKE${String(++served).padStart(12, "0")}`);
    request.status = reply.status;
    return reply;
  });
  const bucketOf = (name: string) => buckets.get(name) ?? buckets.set(name, new Map()).get(name);

  const fake: FakeS3 = {
    ...server,
    requests,
    createBucket(name) {
      bucketOf(name);
    },
    put(bucket, key, body, putOptions = {}) {
      const stored = storedObject(key, body, putOptions, now());
      bucketOf(bucket)?.set(key, stored);
      return infoOf(stored);
    },
    delete: (bucket, key) => buckets.get(bucket)?.delete(key) ?? false,
    object(bucket, key) {
      const o = buckets.get(bucket)?.get(key);
      return o ? infoOf(o) : undefined;
    },
    fail: (fault, failOptions) => faults.add(fault, failOptions),
    onRequest: null,
  };
  return fake;
}
