import type { S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock.js";
import { defaultRetry, type RetryOptions, type RetryPolicy } from "../aws-retry.js";
import {
  type Checkpoint,
  type Progress,
  readCheckpointAs,
  type Source,
  type SourceChunk,
} from "../source.js";
import { dayPaths, type Lister, listObjects, regionRoots, type TrailFilter } from "./s3-listing.js";
import { readObject } from "./s3-object.js";
import { dayPath, isLogObjectKey, type S3Location, s3Uri, trailScope } from "./trail-layout.js";

/** The `source` of what the S3 sources store, and of their checkpoints. */
export const S3_SOURCE = "s3";

/**
 * Where a listing root's read stopped, keyed by `s3://bucket/<…>/CloudTrail/<region>/`: the date range of the run
 * (a run over another range starts over), the delivery day and the last key read to the end (listing resumes after
 * it). `done` once the root was read through; the next run lists it again, skipping objects by key and ETag.
 */
export const S3Checkpoint = z.object({
  v: z.literal(1),
  range: z.string(),
  day: z.string().nullable(),
  startAfter: z.string().nullable(),
  done: z.boolean(),
});
export type S3Checkpoint = z.infer<typeof S3Checkpoint>;

export interface S3SourceOptions {
  client: S3Client;
  location: S3Location;
  /** Events from (epoch ms): the delivery days to list start on its day. Unset: every day the bucket holds. */
  since?: number | undefined;
  /** Events until (epoch ms, default now): the last delivery day listed is the day after it. */
  until?: number | undefined;
  filter?: TrailFilter;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** An object listed and then deleted before it was read. */
  onGone?: (uri: string) => void;
  /** The sizes of object fetched whole and decoded like a file, least and most; others stream (s3-object.ts). */
  handOver?: readonly [number, number];
}

export interface S3PullResult {
  location: string;
  /** `…/CloudTrail/<region>/` prefixes read (or the plain prefix when it does not follow CloudTrail's layout). */
  roots: number;
  days: number;
  listRequests: number;
  getRequests: number;
  objects: { read: number; skipped: number; gone: number };
  /** Roots resumed from a checkpoint of an interrupted run over the same range. */
  resumed: number;
}

interface Pull {
  options: S3SourceOptions;
  progress: Progress;
  lister: Lister;
  policy: Omit<RetryPolicy, "giveUp">;
  range: string;
  result: S3PullResult;
}

const checkpointOf = (root: string, value: S3Checkpoint): Checkpoint => ({
  source: S3_SOURCE,
  key: root,
  value: JSON.stringify(value),
});

/**
 * CloudTrail's log files under an S3 prefix, read once (`deniedby ingest s3://bucket/prefix/`): the accounts,
 * regions and delivery days of the layout are found with delimiter listings (the days of `--since`/`--until` are
 * listed directly), each day's objects are listed in key order and streamed one at a time. Digests are skipped, and
 * objects read before with the same ETag are skipped without a GetObject. Each object's done mark commits with a
 * checkpoint naming it, so an interrupted run over the same range resumes after the last object it read.
 */
export function s3Source(options: S3SourceOptions): Source<S3PullResult> {
  return {
    name: S3_SOURCE,
    read: ({ signal, progress }) => {
      const result: S3PullResult = {
        location: s3Uri(options.location.bucket, options.location.prefix),
        roots: 0,
        days: 0,
        listRequests: 0,
        getRequests: 0,
        objects: { read: 0, skipped: 0, gone: 0 },
        resumed: 0,
      };
      const policy = {
        clock: options.clock ?? systemClock,
        retry: { ...defaultRetry, ...options.retry },
        signal,
      };
      const lister: Lister = {
        client: options.client,
        bucket: options.location.bucket,
        policy,
        onRequest: () => result.listRequests++,
      };
      const range = options.since === undefined ? "all" : rangeOf(options);
      return readAll({ options, progress, lister, policy, range, result });
    },
  };
}

const rangeOf = (o: S3SourceOptions) =>
  `${o.since === undefined ? "" : dayPath(o.since)}..${o.until === undefined ? "" : dayPath(o.until)}`;

async function* readAll(pull: Pull): AsyncGenerator<SourceChunk, S3PullResult> {
  const { options, lister } = pull;
  const until = options.until ?? (options.clock ?? systemClock).now();
  const { prefix } = options.location;
  const scope = trailScope(prefix);
  if (scope !== null)
    for await (const root of regionRoots(lister, scope, options.filter ?? {})) {
      pull.result.roots++;
      const days = await dayPaths(lister, root.prefix, root.scope, { since: options.since, until });
      yield* readRoot(pull, s3Uri(lister.bucket, root.prefix), root.prefix, days);
    }
  // A bucket without AWSLogs/ at its top is never listed whole: the trail's prefix must be named.
  if (pull.result.roots === 0 && prefix !== "") {
    // Not CloudTrail's layout (a copied export tree, or a folder below AWSLogs/ that is not an account or a
    // region): the prefix the user named, listed as it is, whatever the dates.
    pull.result.roots++;
    yield* readRoot(pull, s3Uri(lister.bucket, prefix), prefix, [""]);
  }
  return pull.result;
}

/** The days of one listing root, oldest first, from where an interrupted run over the same range stopped. */
async function* readRoot(
  pull: Pull,
  key: string,
  prefix: string,
  days: string[],
): AsyncGenerator<SourceChunk> {
  const stored = readCheckpointAs(pull.progress.readCheckpoint, S3_SOURCE, key, S3Checkpoint);
  const resume = stored && stored.range === pull.range && !stored.done && stored.day !== null ? stored : null;
  if (resume) pull.result.resumed++;
  for (const day of days) {
    if (resume?.day && day < resume.day) continue;
    pull.result.days++;
    const startAfter = resume?.day === day ? resume.startAfter : null;
    for await (const page of listObjects(pull.lister, `${prefix}${day}`, startAfter))
      for (const object of page) {
        if (!isLogObjectKey(object.key)) continue;
        const mark = checkpointOf(key, { v: 1, range: pull.range, day, startAfter: object.key, done: false });
        yield* readListed(pull, object, mark);
      }
  }
  yield [
    {
      kind: "checkpoint",
      checkpoint: checkpointOf(key, { v: 1, range: pull.range, day: null, startAfter: null, done: true }),
    },
  ];
}

async function* readListed(
  pull: Pull,
  object: { key: string; etag: string },
  mark: Checkpoint,
): AsyncGenerator<SourceChunk> {
  const { bucket, client } = pull.lister;
  const uri = s3Uri(bucket, object.key);
  if (pull.progress.isObjectDone(uri, object.etag)) {
    pull.result.objects.skipped++;
    yield [{ kind: "file-skipped", path: uri }];
    return;
  }
  const outcome = yield* readObject({
    client,
    bucket,
    key: object.key,
    progress: pull.progress,
    policy: pull.policy,
    after: [{ kind: "checkpoint", checkpoint: mark }],
    onRequest: () => pull.result.getRequests++,
    ...(pull.options.handOver !== undefined ? { handOver: pull.options.handOver } : {}),
  });
  pull.result.objects[outcome]++;
  if (outcome === "gone") pull.options.onGone?.(uri);
}
