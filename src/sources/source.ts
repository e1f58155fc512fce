import type { z } from "zod";
import type { Config } from "../config.js";
import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import type { AwsClients } from "./aws-clients.js";

/**
 * The one shape every input of deniedby has. A source reads (files, a request body, LookupEvents pages, Athena
 * results, an ECS agent's audit log) and yields typed items in chunks; it never parses CloudTrail, stores or
 * classifies: the pipeline does that, the same way for every source. Adding a source is a folder under
 * src/sources/ implementing `Source` and one line in registry.ts.
 */

/** Where a piece of input came from, for reports and the quarantine table. */
export interface Place {
  location: string;
  /** 'record 5', 'line 12', 'event <id>' or '' when the whole input is concerned. */
  position: string;
}

/** Why a source itself set input aside (the pipeline adds the reasons it finds in records). Stable codes. */
export const sourceRejectReasons = {
  "json.invalid": "not valid JSON",
  "gzip.corrupt": "the gzip stream is truncated or corrupt",
  "gzip.too_large": "the gzip stream inflates past the size limit",
  "file.unreadable": "the file could not be read",
  "file.not_cloudtrail": "the input holds no CloudTrail records",
  "record.not_cloudtrail": "the object has none of CloudTrail's record fields",
  "record.not_object": "the record is not a JSON object",
  "record.too_large": "the record is larger than the size limit",
  "record.too_deep": "the record nests deeper than the depth limit",
  "record.truncated": "the input ends inside a record",
  "record.cut_short": "the record is cut short: the next record begins inside it",
  "record.invalid_cloudtrail_event": "the LookupEvents result's CloudTrailEvent is not a JSON object",
  "audit.line_invalid": "the line is not an ECS agent credential audit entry",
} as const;
export type SourceRejectReason = keyof typeof sourceRejectReasons;

/**
 * A file as it was when read: a re-run skips it while its size and mtime are the same. An S3 object is a file named
 * `s3://bucket/key` with its size, LastModified and ETag: a re-run skips it while its ETag is the same.
 */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  etag?: string;
}

/** A file read to the end, with the number of records it held. */
export interface FileMark extends FileIdentity {
  records: number;
}

/** A source's resume point, committed in the same transaction as the input read up to it. */
export interface Checkpoint {
  source: string;
  key: string;
  value: string;
}

/** A stored checkpoint read with its schema; a missing or unreadable one is null ("start from the beginning"). */
export function readCheckpointAs<T>(
  readCheckpoint: (source: string, key: string) => string | undefined,
  source: string,
  key: string,
  schema: z.ZodType<T>,
): T | null {
  const text = readCheckpoint(source, key);
  if (text === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** One usage_daily row as a source that aggregates by itself (Athena) delivers it. */
export interface DailyUsage {
  day: string;
  principalArn: string;
  principalType: string;
  roleArn: string | null;
  accountId: string;
  eventSource: string;
  eventName: string;
  resource: string;
  calls: number;
  errors: number;
  firstSeen: number;
  lastSeen: number;
  /** Distinct; the store keeps the few smallest (MAX_AGENTS in src/db/usage-fold.ts). */
  userAgents: string[];
}

/**
 * What a call's resource is built from, as the fields of a CloudTrail record that hold it (what
 * src/cloudtrail/resource.ts reads): a source that aggregates calls before deniedby sees them (Athena) hands these
 * over instead of a resource, so the resource is built and folded in one place.
 */
export interface UsageCall {
  eventSource: string;
  awsRegion: string;
  recipientAccountId: string;
  userIdentity: { arn?: string };
  requestParameters: Record<string, string>;
  resources: { ARN: string; type?: string }[];
}

/** A day's usage row as a source computed it, with the call its resource is built from. */
export interface SourceUsage extends Omit<DailyUsage, "resource"> {
  call: UsageCall;
}

/**
 * One request for credentials served by the ECS agent on a container instance, as its audit log records it
 * (src/sources/ecs-agent-audit/). Typed input that is not CloudTrail.
 */
export interface CredentialRequest {
  time: number;
  status: number;
  /** 'ip:port' of the container that asked, or null. */
  callerAddress: string | null;
  /** The relative credentials URI without its id ('/v1/credentials', '/v2/credentials'): the agent logs no id. */
  uri: string;
  callerAgent: string | null;
  /** The task whose role's credentials were asked for. */
  taskArn: string | null;
  /** 'task' (GetCredentials: the task role) or 'execution' (GetCredentialsExecutionRole: agent-side pulls, logs). */
  roleType: "task" | "execution" | "invalid";
  cluster: string | null;
  containerInstanceArn: string | null;
}

export type SourceItem =
  /**
   * JSON text holding a record, an envelope (EventBridge, LookupEvents, CloudWatch Logs), an array of them or a
   * {"Records":[…]} document, as the record splitter cuts it (src/sources/files/split-records.ts): its nesting is
   * bounded, so it is safe to parse. Every source that yields text runs it through the splitter.
   */
  | { kind: "text"; text: string; place: Place }
  /** An already parsed value of those shapes; `raw` is its original text when known (kept as is). */
  | { kind: "value"; value: unknown; raw: string | null; place: Place }
  /**
   * Input the source could not even turn into a value: quarantined with its text, and how many records it spans
   * (null: cannot be told; absent: one).
   */
  | {
      kind: "reject";
      reason: SourceRejectReason;
      detail: string;
      raw: string;
      place: Place;
      records?: number | null;
    }
  /** A file to read and decode whole: the pipeline does it (on decode workers when it has them), then its file-done. */
  | {
      kind: "file";
      file: FileIdentity;
      /** The most its gzip stream may inflate to (read-text.ts's MAX_INFLATED_BYTES when absent). */
      maxInflatedBytes?: number;
      /** Its content, when the source fetched it already (an S3 object): decoded from these, not read from the path. */
      bytes?: Uint8Array;
    }
  /** A file read to the end (null: standard input, counted but not remembered). */
  | { kind: "file-done"; file: FileIdentity | null }
  | { kind: "file-skipped"; path: string }
  /** A resume point: what came before it is committed with it, at once. */
  | { kind: "checkpoint"; checkpoint: Checkpoint }
  /** A safe point: commit what is pending now (a failure later keeps it); the source resumes only after it. */
  | { kind: "commit" }
  /** A closed day of usage aggregates that replaces the stored day (with the checkpoint that passes it). */
  | { kind: "usage-day"; day: string; rows: SourceUsage[]; checkpoint: Checkpoint | null }
  /**
   * A typed request of an ECS agent's audit log. `occurrence` counts the same line earlier in its file (0 for the
   * first): identical lines are distinct requests, and the same file read again gives the same counts.
   */
  | { kind: "credential-request"; request: CredentialRequest; raw: string; occurrence: number; place: Place };

/** Items read together (a file chunk, a page): the unit a source hands over. */
export type SourceChunk = readonly SourceItem[];

/** What a source may ask of the store about its own progress, without depending on the store. */
export interface Progress {
  readCheckpoint(source: string, key: string): string | undefined;
  isFileDone(path: string, size: number, mtimeMs: number): boolean;
  /** An S3 object (`s3://bucket/key`) already read to the end with this ETag. */
  isObjectDone(path: string, etag: string): boolean;
}

export interface ReadContext {
  /** Stops reading (an Athena query in flight is stopped too); the read then rejects. */
  signal: AbortSignal;
  progress: Progress;
}

/**
 * One input. `read` yields chunks of items as it reads; the pipeline commits what it is given before asking for
 * more, so a checkpoint yielded is stored before the source goes on, except while `file` items it yielded are still
 * decoding on workers: then it may ask for more first, and a checkpoint is stored later, with what came before it
 * (a `commit` always waits for everything). The generator's return value is the source's
 * own account of the run (pages, windows, queries), for its command-line summary.
 */
export interface Source<Result = unknown> {
  /** Stored with what it brings (denials.source, quarantine.source). */
  readonly name: string;
  read(context: ReadContext): AsyncGenerator<SourceChunk, Result, undefined>;
  /** One line about a finished read (pages, queries, how far it got), for the command line. */
  describe?(result: Result): string;
}

export interface SourceLabels {
  source: string;
  region: string;
  account?: string;
}

/** A source the server polls. */
export interface LiveSource<Result = unknown> extends Source<Result> {
  /** /metrics labels: { source, region } (region '' when it has none), and the member account read through its role. */
  readonly labels: SourceLabels;
  readonly intervalMs: number;
  /** Every event at or before this instant is stored (epoch ms), or null: the source's lag is now minus this. */
  watermark?(): number | null;
  /**
   * The source's own counters since start (messages received, objects read, requests sent …), each published in
   * /metrics as `deniedby_source_<name>` with the source's labels. Names are snake_case and stable.
   */
  status?(): Readonly<Record<string, number>>;
}

/** A command-line option a source takes (`deniedby ingest --from <name> --<option>`). */
export interface SourceOption {
  type: "string" | "boolean";
  multiple?: boolean;
}

export type SourceOptionValues = Record<string, string | string[] | boolean | undefined>;

/** What a definition builds its sources from: built once per process (buildDeps). */
export interface SourceContext {
  config: Config;
  aws: AwsClients;
  clock: Clock;
  logger: Logger;
}

/**
 * Input refused as a whole (a request body that is not JSON, a push past its record cap): nothing of it is
 * stored, and the caller answers with the code.
 */
export class InputRefusedError extends DomainError<InputRefusedCode> {}

/** Why input is refused whole: not JSON, JSON that is not an object or array, or more records than allowed. */
export type InputRefusedCode = "request.invalid" | "request.invalid_json" | "request.too_many_records";

/** A source's command-line input that cannot work: the CLI shows it with the usage. */
export class SourceOptionError extends DomainError {
  constructor(message: string) {
    super("source.invalid_option", message);
  }
}

/**
 * One kind of input as the registry lists it: how `deniedby ingest --from <name>` reads it once, and which live
 * sources the server polls for it.
 */
export interface SourceDefinition {
  readonly name: string;
  /** The usage line after `deniedby ingest`, e.g. `--from lookup-events [--since 24h|ISO] [--region R ...]`. */
  readonly usage: string;
  /** What it reads and where its defaults come from, for `deniedby ingest --help`. */
  readonly help: string;
  /** Whether the command line names what to read (files), or the source knows (an API). */
  readonly paths: boolean;
  /** A path only this source reads (an s3:// URI): `deniedby ingest PATH` picks the source by its paths. */
  claims?(path: string): boolean;
  readonly options: Record<string, SourceOption>;
  /** The sources of one run; throws SourceOptionError when the command line cannot work. */
  once(context: SourceContext, input: { paths: string[]; values: SourceOptionValues }): Source[];
  /** The sources the server polls, as the configuration enables them (none when it does not). */
  live?(context: SourceContext): LiveSource[];
}
