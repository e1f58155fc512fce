import type { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { AwsRequestError, abortable, awsErrorInfo, type RetryPolicy, withRetries } from "../aws-retry.js";
import { recordReader } from "../files/files.source.js";
import { InputReadError, readStreamText } from "../files/read-text.js";
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
}

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

/**
 * One trail object, streamed through the files' decode path (gunzip by magic bytes, the record splitter): its
 * records as items a chunk at a time, then its done mark (`s3://bucket/key` with its ETag) with `after`. Never holds
 * the whole object. An object already read with the same ETag is skipped without reading its body; one deleted since
 * it was listed or announced is "gone". A gzip stream that is corrupt or inflates past the cap is quarantined with
 * the object marked done (a new ETag will be read again); a body that breaks off throws `s3.read_failed` after what
 * it delivered.
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
  const reader = recordReader(identity.path);
  try {
    for await (const text of readStreamText(body)) yield reader.push(text);
    yield reader.end();
  } catch (error) {
    const unreadable = error instanceof InputReadError && error.reason !== "file.unreadable";
    if (!unreadable) {
      body.destroy();
      if (read.policy.signal?.aborted) throw error;
      const info = awsErrorInfo(error);
      const summary = s3ErrorCodes["s3.read_failed"];
      throw new AwsRequestError("s3.read_failed", identity.path, info.name, summary, info.message, {
        cause: error,
      });
    }
    const place = { location: identity.path, position: "" };
    yield [{ kind: "reject", reason: error.reason, detail: error.message, raw: "", place }];
  }
  yield [{ kind: "file-done", file: identity }, ...(read.after ?? [])];
  return "read";
}
