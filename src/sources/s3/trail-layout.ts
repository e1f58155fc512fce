/**
 * Where CloudTrail puts its log files in S3 (AWS, "Finding your CloudTrail log files"):
 * `<trail prefix>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`, with `<org-id>/` after `AWSLogs/`
 * for an organisation trail, and digest files under `CloudTrail-Digest/` beside `CloudTrail/`. The day is the
 * delivery day (UTC), so a file may hold events of the evening before. Pure functions over keys.
 */

export interface S3Location {
  bucket: string;
  /** The key prefix, without a leading '/'; '' for the whole bucket. */
  prefix: string;
}

/** `s3://bucket/prefix` as bucket and prefix; null when it is not an s3:// URI with a bucket. */
export function parseS3Uri(uri: string): S3Location | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m?.[1]) return null;
  return { bucket: m[1], prefix: (m[2] ?? "").replace(/^\/+/, "") };
}

export const s3Uri = (bucket: string, key: string) => `s3://${bucket}/${key}`;

const ORG = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A child prefix (`name/`) of a delimiter listing, as its name. */
export const childName = (prefix: string, child: string) => child.slice(prefix.length).replace(/\/$/, "");

export const isOrgId = (name: string) => ORG.test(name);
export const isAccountId = (name: string) => ACCOUNT.test(name);
export const isRegionName = (name: string) => REGION.test(name);

/** How far a prefix names the layout: the `AWSLogs/` root and the levels below it it fixes. */
export interface TrailScope {
  /** Up to and including `AWSLogs/`. */
  root: string;
  org: string | null;
  account: string | null;
  region: string | null;
  /** The fixed date parts: [], [YYYY], [YYYY, MM] or [YYYY, MM, DD]. */
  date: string[];
}

/**
 * The scope a user's prefix names: `s3://bucket/`, the trail's prefix, or any level below `AWSLogs/`. Null when the
 * prefix does not follow the layout below `AWSLogs/` (it is then read as a plain prefix).
 */
export function trailScope(prefix: string): TrailScope | null {
  const at = prefix.lastIndexOf("AWSLogs/");
  if (at === -1) {
    const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    return { root: `${base}AWSLogs/`, org: null, account: null, region: null, date: [] };
  }
  if (at > 0 && prefix[at - 1] !== "/") return null;
  const root = prefix.slice(0, at + "AWSLogs/".length);
  const parts = prefix.slice(root.length).split("/").filter(Boolean);
  const scope: TrailScope = { root, org: null, account: null, region: null, date: [] };
  if (parts[0] !== undefined && isOrgId(parts[0])) scope.org = parts.shift() ?? null;
  const [account, service, region, ...date] = parts;
  if (account === undefined) return scope;
  if (!isAccountId(account)) return null;
  scope.account = account;
  if (service === undefined) return scope;
  if (service !== "CloudTrail") return null;
  if (region === undefined) return scope;
  if (!isRegionName(region)) return null;
  scope.region = region;
  if (date.length > 3 || !date.every((d, i) => (i === 0 ? /^\d{4}$/ : /^\d{2}$/).test(d))) return null;
  scope.date = date;
  return scope;
}

/** The prefix of an account's log files: `<root>[<org>/]<account>/CloudTrail/`. */
export const accountLogs = (scope: TrailScope, account: string) =>
  `${scope.root}${scope.org !== null ? `${scope.org}/` : ""}${account}/CloudTrail/`;

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY/MM/DD/` of an instant (UTC). */
export function dayPath(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/`;
}

/**
 * The delivery days to list for events from `since` to `until`: every day between, plus the day after `until`, which
 * holds the files delivered after its last events. Oldest first.
 */
export function deliveryDays(since: number, until: number): string[] {
  const DAY = 86_400_000;
  const first = Math.floor(since / DAY) * DAY;
  const last = Math.floor(until / DAY) * DAY + DAY;
  const days: string[] = [];
  for (let t = first; t <= last; t += DAY) days.push(dayPath(t));
  return days;
}

/** Whether a day path `YYYY/MM/DD/` lies within the date parts a scope fixes. */
export const dayInScope = (day: string, date: string[]) => day.startsWith(date.map((d) => `${d}/`).join(""));

/** A trail log file (not a digest, not another object under the prefix). */
export function isLogObjectKey(key: string): boolean {
  return !key.includes("/CloudTrail-Digest/") && /\.json(\.gz)?$/i.test(key);
}
