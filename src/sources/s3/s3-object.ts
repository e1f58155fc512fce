import type { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { AwsRequestError, abortable, awsErrorInfo, type RetryPolicy, withRetries } from "../aws-retry.js";
import { recordReader } from "../files/files.source.js";
import { InputReadError, readStreamText, WHOLE_GZIP_LIMIT } from "../files/read-text.js";
import type { FileIdentity, Progress, SourceChunk, SourceItem } from "../source.js";
import { s3ErrorCodes, s3GiveUp } from "./s3.errors.js";
import { unquote } from "./s3-listing.js";
import { s3Uri } from "./trail-layout.js";

/** What became of one object: read to the end, skipped (read before with the same ETag), or gone (deleted). */
export type ObjectOutcome = "read" | "skipped" | "gone";

export interface ObjectRead {
  client: S3Client;
  bucket: string;
  key: string;
  progress: Progress;
  policy: Omit<RetryPolicy, "giveUp">;
  /** Items committed with the object's done mark (a checkpoint naming it). */
  after?: readonly SourceItem[];
  /** Counts every GetObject request sent, retries included. */
  onRequest?: () => void;
  /**
   * The sizes of object fetched whole and handed over to be decoded like a file, in bytes, least and most:
   * [MIN_HANDED_OVER, read-text.ts's WHOLE_GZIP_LIMIT] when absent.
   */
  handOver?: readonly [number, number];
}

/**
 * Objects smaller than this are decoded here as they stream: handing a few records over costs more than decoding
 * them (docs/performance.md).
 */
export const MIN_HANDED_OVER = 32 * 1024;

/** GetObject with our retries; null when the key no longer exists. */
async function getObject(read: ObjectRead): Promise<GetObjectCommandOutput | null> {
  const target = s3Uri(read.bucket, read.key);
  try {
    return await withRetries({ ...read.policy, giveUp: s3GiveUp(target) }, () => {
      read.onRequest?.();
      return read.client.send(
        new GetObjectCommand({ Bucket: read.bucket, Key: read.key }),
        abortable(read.policy.signal),
      );
    });
  } catch (error) {
    if (error instanceof AwsRequestError && error.awsCode === "NoSuchKey") return null;
    throw error;
  }
}

/** A body that broke off while it was read: one typed line, unless the read was stopped. */
function readFailed(error: unknown, path: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return error;
  const info = awsErrorInfo(error);
  const summary = s3ErrorCodes["s3.read_failed"];
  return new AwsRequestError("s3.read_failed", path, info.name, summary, info.message, { cause: error });
}

/** The whole body, for the pipeline to decode (on a decode worker when it has them). */
async function* fetchWhole(
  body: Readable,
  identity: FileIdentity,
  read: ObjectRead,
): AsyncGenerator<SourceChunk> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    body.destroy();
    throw readFailed(error, identity.path, read.policy.signal);
  }
  yield [{ kind: "file", file: identity, bytes: Buffer.concat(chunks) }];
}

/** The body's records as items a chunk at a time, decoded here as it arrives. */
async function* stream(
  body: Readable,
  identity: FileIdentity,
  read: ObjectRead,
): AsyncGenerator<SourceChunk> {
  const reader = recordReader(identity.path);
  try {
    for await (const text of readStreamText(body)) yield reader.push(text);
    yield reader.end();
  } catch (error) {
    const unreadable = error instanceof InputReadError && error.reason !== "file.unreadable";
    if (!unreadable) {
      body.destroy();
      throw readFailed(error, identity.path, read.policy.signal);
    }
    const place = { location: identity.path, position: "" };
    yield [{ kind: "reject", reason: error.reason, detail: error.message, raw: "", place }];
  }
}

/**
 * One trail object, then its done mark (`s3://bucket/key` with its ETag) with `after`. An object of 32 KB to 8 MB
 * (`handOver`; CloudTrail's busy files) is fetched whole and handed over as a `file` item, decoded like a file (on
 * the decode workers when there are any); any other is streamed through the same decode path (gunzip by magic
 * bytes, the record splitter) here, never held whole. An object already read with the same ETag is skipped without
 * reading its body; one deleted since it was listed or announced is "gone". A gzip stream that is corrupt or
 * inflates past the cap is quarantined with the object marked done (a new ETag will be read again); a body that
 * breaks off throws `s3.read_failed` after what it delivered.
 */
export async function* readObject(read: ObjectRead): AsyncGenerator<SourceChunk, ObjectOutcome> {
  const response = await getObject(read);
  if (response === null) return "gone";
  const body = response.Body as Readable | undefined;
  const identity: FileIdentity = {
    path: s3Uri(read.bucket, read.key),
    size: response.ContentLength ?? 0,
    mtimeMs: response.LastModified?.getTime() ?? 0,
    etag: unquote(response.ETag ?? ""),
  };
  if (body === undefined || read.progress.isObjectDone(identity.path, identity.etag ?? "")) {
    body?.destroy();
    yield [{ kind: "file-skipped", path: identity.path }, ...(read.after ?? [])];
    return "skipped";
  }
  const size = response.ContentLength ?? 0;
  const [least, most] = read.handOver ?? [MIN_HANDED_OVER, WHOLE_GZIP_LIMIT];
  if (size >= least && size <= most) yield* fetchWhole(body, identity, read);
  else yield* stream(body, identity, read);
  yield [{ kind: "file-done", file: identity }, ...(read.after ?? [])];
  return "read";
}
