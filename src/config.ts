import { readFileSync } from "node:fs";
import { z } from "zod";
import { DomainError, errorMessage } from "./shared/errors.js";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as eu-west-1");

const csv = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .pipe(z.array(region));

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
// sts:ExternalId: 2 to 1,224 characters of [\w+=,.@:/-] (AWS STS API reference, AssumeRole).
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * A member account deniedby reads through a role it assumes (docs/sources.md, "Many accounts"): LookupEvents in
 * `regions` (default DENIEDBY_LOOKUP_REGIONS) and the S3 `buckets` listed, each with the role's credentials.
 */
export const MemberAccount = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, "a 12-digit account id"),
    roleArn: z
      .string()
      .regex(ROLE_ARN, "an IAM role ARN such as arn:aws:iam::111122223333:role/deniedby-reader"),
    externalId: z
      .string()
      .regex(EXTERNAL_ID, "2 to 1,224 characters of letters, digits and +=,.@:/-")
      .optional(),
    regions: z.array(region).min(1).optional(),
    buckets: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name")).optional(),
  })
  .strict()
  .refine((a) => ROLE_ARN.exec(a.roleArn)?.[1] === a.accountId, {
    message: "the role ARN names another account",
    path: ["roleArn"],
  });
export type MemberAccount = z.infer<typeof MemberAccount>;

/**
 * DENIEDBY_ACCOUNTS: role ARNs separated by spaces or newlines, each with `|<external id>` when its trust policy
 * wants one (neither ever holds a space or a '|'; both may hold commas).
 */
const accountList = z
  .string()
  .transform((text) =>
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((entry) => {
        const [roleArn = "", externalId] = entry.split("|");
        return { accountId: ROLE_ARN.exec(roleArn)?.[1] ?? "", roleArn, externalId } as Record<
          string,
          unknown
        >;
      }),
  )
  .pipe(z.array(MemberAccount));

/** An SQS queue URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` (any host, for local stand-ins). */
export const QUEUE_URL = /^https?:\/\/[^/]+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/;

/** Every setting deniedby reads from the environment, with defaults. The only reader of process.env. */
export const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).optional(),
  DENIEDBY_DB: z.string().min(1).default("./data/deniedby.db"),
  DENIEDBY_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // The token in a file instead (a mounted secret): read once at start, surrounding whitespace trimmed.
  DENIEDBY_API_TOKEN_FILE: z.string().min(1).optional(),
  DENIEDBY_LOG_LEVEL: z.enum(logLevels).default("info"),
  DENIEDBY_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  // Threads that decode files for `deniedby ingest` (gunzip, parse, normalise, fold); 0 decodes on the main thread.
  // Unset: one per core (docs/performance.md).
  DENIEDBY_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  // Records (valid or not) one POST /v1/events may carry; past it the push is refused whole with 413.
  DENIEDBY_PUSH_MAX_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  DENIEDBY_EXAMPLES: z.enum(["on", "off"]).default("on"),
  // After listening, load the AWS managed policies (a 77 MB data package) and the policy model, so the first
  // explanation does not; off loads them on the first explanation instead.
  DENIEDBY_POLICY_WARMUP: z.enum(["on", "off"]).default("on"),
  // How long the server's writes (a push, a live source's batch) wait for another process's write lock (a
  // `deniedby ingest` on the same file) before giving up: a push then answers 503 store.busy, nothing stored.
  DENIEDBY_LOCK_WAIT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  // When set, the server prunes once a day what is older than this many days (docs/operations.md, "Retention").
  DENIEDBY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  // On SIGTERM, how long requests in flight may take before their connections are closed (a stalled client, a
  // slowloris): shorter than the 10 s after which the process exits anyway.
  DENIEDBY_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(8).default(5),
  // Memory the cached explanations may hold (the pages on-call reads again and again).
  DENIEDBY_EXPLANATION_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
  DENIEDBY_LOOKUP_REGIONS: csv.default([]),
  DENIEDBY_LOOKUP_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(300),
  DENIEDBY_LOOKUP_LOOKBACK_HOURS: z.coerce.number().min(1).max(2160).default(24),
  // Member accounts read through roles deniedby assumes (docs/sources.md, "Many accounts"); or a file of them.
  DENIEDBY_ACCOUNTS: accountList.default([]),
  DENIEDBY_ACCOUNTS_FILE: z.string().min(1).optional(),
  // Athena over the trail in S3 (docs/sources.md). Enabled in `npm start` when the database is set.
  DENIEDBY_ATHENA_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a Glue database name")
    .optional(),
  DENIEDBY_ATHENA_TABLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a Glue table name")
    .default("cloudtrail_logs"),
  DENIEDBY_ATHENA_WORKGROUP: z.string().min(1).default("primary"),
  DENIEDBY_ATHENA_OUTPUT_LOCATION: z
    .string()
    .regex(/^s3:\/\/[^/]+/, "an s3:// URI")
    .optional(),
  DENIEDBY_ATHENA_REGION: region.optional(),
  DENIEDBY_ATHENA_INTERVAL_SECONDS: z.coerce.number().int().min(300).default(3600),
  DENIEDBY_ATHENA_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  DENIEDBY_ATHENA_POLL_MAX_SECONDS: z.coerce.number().min(1).max(60).default(5),
  DENIEDBY_ATHENA_QUERY_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(14_400).default(1800),
  // S3 and SQS (docs/sources.md): the trail's objects read directly, and S3's or CloudTrail's notifications of new
  // log files read from a queue (the live source runs when the queue URL is set).
  DENIEDBY_S3_REGION: region.optional(),
  // Path-style addressing (endpoint/bucket/key), for S3-compatible stores and local stand-ins.
  DENIEDBY_S3_PATH_STYLE: z.enum(["on", "off"]).default("off"),
  DENIEDBY_SQS_QUEUE_URL: z
    .string()
    .url()
    .regex(QUEUE_URL, "a queue URL such as https://sqs.eu-west-1.amazonaws.com/111122223333/trail-files")
    .optional(),
  // The queue's region; by default the one in the queue URL's host name.
  DENIEDBY_SQS_REGION: region.optional(),
  // Long-poll wait of each ReceiveMessage (SQS allows up to 20 s).
  DENIEDBY_SQS_WAIT_SECONDS: z.coerce.number().int().min(0).max(20).default(20),
  // How long a received message stays hidden: it must cover reading its log files; past it SQS hands it out again.
  DENIEDBY_SQS_VISIBILITY_SECONDS: z.coerce.number().int().min(30).max(43_200).default(300),
  DENIEDBY_PUBLIC_URL: z.string().url().optional(),
  DENIEDBY_SLACK_WEBHOOK_URL: z.string().url().optional(),
  DENIEDBY_SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  DENIEDBY_SLACK_QUIET_MINUTES: z.coerce.number().min(0).default(60),
  // Noise-class incidents (console probes, service principals, SCP guardrails) are posted only when "on".
  DENIEDBY_SLACK_INCLUDE_NOISE: z.enum(["on", "off"]).default("off"),
  // Incidents with no denial this recent are history (a backfill, a first start), not alerts: never posted.
  DENIEDBY_SLACK_LOOKBACK_HOURS: z.coerce.number().min(1).max(720).default(24),
  // How often the notifier looks for incidents to post.
  DENIEDBY_SLACK_INTERVAL_SECONDS: z.coerce.number().min(1).max(3600).default(15),
});
export type Config = z.infer<typeof Config> & {
  /** What loading changed and an operator should hear of (the server logs each as a warning); never a secret. */
  readonly notices: readonly string[];
};

export class ConfigError extends DomainError<"config.invalid"> {
  constructor(readonly issues: string[]) {
    super("config.invalid", `invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
  }
}

const issuesOf = (error: z.ZodError, prefix: string) =>
  error.issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== "").join(".")}: ${i.message}`);

/**
 * The member accounts of DENIEDBY_ACCOUNTS_FILE, `{ "<account id>": { "roleArn", "externalId"?, "regions"?,
 * "buckets"? }, … }`, validated; every problem named by its account key in the file.
 */
function readAccountsFile(path: string): MemberAccount[] {
  let value: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`DENIEDBY_ACCOUNTS_FILE: cannot read ${path}: ${(error as Error).message}`]);
  }
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault: say where the file is, not what it holds.
    throw new ConfigError([`DENIEDBY_ACCOUNTS_FILE: ${path} is not valid JSON`]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(["DENIEDBY_ACCOUNTS_FILE: must be a JSON object keyed by account id"]);
  const accounts: MemberAccount[] = [];
  const issues: string[] = [];
  for (const [accountId, entry] of Object.entries(value)) {
    const parsed = MemberAccount.safeParse(
      typeof entry === "object" && entry !== null ? { accountId, ...entry } : entry,
    );
    if (parsed.success) accounts.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, `DENIEDBY_ACCOUNTS_FILE.${accountId}`));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return accounts;
}

/** Member accounts listed twice would be read twice, each with its own limiter: the quota would be spent twice. */
function checkAccounts(accounts: MemberAccount[]): void {
  const seen = new Set<string>();
  for (const a of accounts) {
    if (seen.has(a.accountId))
      throw new ConfigError([`DENIEDBY_ACCOUNTS: account ${a.accountId} is listed twice`]);
    seen.add(a.accountId);
  }
}

/**
 * The API token as configured, from DENIEDBY_API_TOKEN or the file DENIEDBY_API_TOKEN_FILE names, with surrounding
 * whitespace trimmed: a secret written with `echo` ends in a newline, and a token kept with it made every request
 * 401 with nothing said. A trim is reported in `notices`; the token itself never is.
 */
function resolveApiToken(
  env: Record<string, string>,
  readText: (path: string) => string,
  notices: string[],
): Record<string, string> {
  const file = env.DENIEDBY_API_TOKEN_FILE;
  if (file === undefined && env.DENIEDBY_API_TOKEN === undefined) return env;
  if (file !== undefined && env.DENIEDBY_API_TOKEN !== undefined)
    throw new ConfigError([
      "DENIEDBY_API_TOKEN_FILE: set either DENIEDBY_API_TOKEN or DENIEDBY_API_TOKEN_FILE, not both",
    ]);
  const setting = file === undefined ? "DENIEDBY_API_TOKEN" : `DENIEDBY_API_TOKEN_FILE (${file})`;
  let raw: string;
  try {
    raw = file === undefined ? (env.DENIEDBY_API_TOKEN ?? "") : readText(file);
  } catch (error) {
    throw new ConfigError([`DENIEDBY_API_TOKEN_FILE: cannot read ${file}: ${errorMessage(error)}`]);
  }
  const token = raw.trim();
  if (token !== raw)
    notices.push(`${setting}: the token had surrounding whitespace (a trailing newline?); it was trimmed`);
  if (token === "") throw new ConfigError([`${setting}: the token is empty`]);
  return { ...env, DENIEDBY_API_TOKEN: token };
}

/**
 * Parses configuration from an environment (process.env by default); empty strings count as unset. Reads the token
 * file when DENIEDBY_API_TOKEN_FILE names one, and DENIEDBY_ACCOUNTS_FILE when it is set.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  readText: (path: string) => string = (path) => readFileSync(path, "utf8"),
): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""),
  );
  const notices: string[] = [];
  const parsed = Config.safeParse(resolveApiToken(cleaned, readText, notices));
  // Never echo the value: it may be a secret (API token, signing secret, webhook URL).
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error, ""));
  const config = { ...parsed.data, notices };
  if (config.DENIEDBY_ACCOUNTS_FILE !== undefined) {
    if (config.DENIEDBY_ACCOUNTS.length > 0)
      throw new ConfigError(["DENIEDBY_ACCOUNTS and DENIEDBY_ACCOUNTS_FILE: give one of them, not both"]);
    config.DENIEDBY_ACCOUNTS = readAccountsFile(config.DENIEDBY_ACCOUNTS_FILE);
  }
  checkAccounts(config.DENIEDBY_ACCOUNTS);
  return config;
}
