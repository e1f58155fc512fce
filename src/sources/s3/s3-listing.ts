import {
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { abortable, type RetryPolicy, withRetries } from "../aws-retry.js";
import { s3GiveUp } from "./s3.errors.js";
import {
  accountLogs,
  childName,
  dayInScope,
  deliveryDays,
  isAccountId,
  isOrgId,
  isRegionName,
  s3Uri,
  type TrailScope,
} from "./trail-layout.js";

/** An object as a listing shows it. */
export interface ListedObject {
  key: string;
  size: number;
  /** Without S3's quotes. */
  etag: string;
  lastModified: number;
}

export interface Lister {
  client: S3Client;
  bucket: string;
  policy: Omit<RetryPolicy, "giveUp">;
  /** Counts every ListObjectsV2 request sent, retries included. */
  onRequest(): void;
}

export const unquote = (etag: string) => etag.replace(/^"|"$/g, "");

async function listPage(lister: Lister, input: Omit<ListObjectsV2CommandInput, "Bucket">) {
  const target = s3Uri(lister.bucket, input.Prefix ?? "");
  return withRetries(
    { ...lister.policy, giveUp: s3GiveUp(target) },
    (): Promise<ListObjectsV2CommandOutput> => {
      lister.onRequest();
      return lister.client.send(
        new ListObjectsV2Command({ Bucket: lister.bucket, ...input }),
        abortable(lister.policy.signal),
      );
    },
  );
}

/** The child prefixes (`prefix/name/`) of a prefix: one delimiter listing, every page. */
export async function listChildren(lister: Lister, prefix: string): Promise<string[]> {
  const children: string[] = [];
  let token: string | undefined;
  do {
    const page = await listPage(lister, { Prefix: prefix, Delimiter: "/", ContinuationToken: token });
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) children.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return children;
}

/** Every object under a prefix (no delimiter), after `startAfter` when given, a page at a time in key order. */
export async function* listObjects(
  lister: Lister,
  prefix: string,
  startAfter: string | null,
): AsyncGenerator<ListedObject[]> {
  let token: string | undefined;
  do {
    const page = await listPage(lister, {
      Prefix: prefix,
      ...(token !== undefined ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
    });
    yield (page.Contents ?? []).flatMap((o) =>
      o.Key && o.ETag
        ? [
            {
              key: o.Key,
              size: o.Size ?? 0,
              etag: unquote(o.ETag),
              lastModified: o.LastModified?.getTime() ?? 0,
            },
          ]
        : [],
    );
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** Which accounts and regions to read; unset lists what the bucket holds. */
export interface TrailFilter {
  accounts?: readonly string[] | undefined;
  regions?: readonly string[] | undefined;
}

/** The accounts a scope covers: named, or found under `AWSLogs/` (and under each organisation id there). */
async function accountsOf(lister: Lister, scope: TrailScope, filter: TrailFilter): Promise<TrailScope[]> {
  if (scope.account !== null) return [scope];
  const wanted = (a: string) => isAccountId(a) && (!filter.accounts?.length || filter.accounts.includes(a));
  const scopes: TrailScope[] = [];
  const orgs = scope.org !== null ? [scope.org] : [];
  if (scope.org === null)
    for (const child of await listChildren(lister, scope.root)) {
      const name = childName(scope.root, child);
      if (isOrgId(name)) orgs.push(name);
      else if (wanted(name)) scopes.push({ ...scope, account: name });
    }
  for (const org of orgs) {
    const base = `${scope.root}${org}/`;
    for (const child of await listChildren(lister, base)) {
      const name = childName(base, child);
      if (wanted(name)) scopes.push({ ...scope, org, account: name });
    }
  }
  return scopes;
}

/**
 * The `…/CloudTrail/<region>/` prefixes a scope covers, found with delimiter listings one level at a time (never a
 * listing of the whole bucket): accounts, then regions, unless the scope or the filter names them.
 */
export async function* regionRoots(
  lister: Lister,
  scope: TrailScope,
  filter: TrailFilter,
): AsyncGenerator<{ scope: TrailScope; prefix: string }> {
  for (const account of await accountsOf(lister, scope, filter)) {
    const logs = accountLogs(account, account.account ?? "");
    const regions =
      account.region !== null
        ? [account.region]
        : filter.regions?.length
          ? [...filter.regions]
          : (await listChildren(lister, logs)).map((c) => childName(logs, c)).filter(isRegionName);
    for (const region of regions) yield { scope: { ...account, region }, prefix: `${logs}${region}/` };
  }
}

/**
 * The delivery-day prefixes (`YYYY/MM/DD/`) to list under a region: from the date range when one is given (the
 * range's days, no listing), else every day the region holds, found level by level; within the scope's fixed date.
 */
export async function dayPaths(
  lister: Lister,
  regionPrefix: string,
  scope: TrailScope,
  range: { since?: number | undefined; until: number },
): Promise<string[]> {
  if (range.since !== undefined)
    return deliveryDays(range.since, range.until).filter((d) => dayInScope(d, scope.date));
  let level = [scope.date.map((d) => `${d}/`).join("")];
  for (let depth = scope.date.length; depth < 3; depth++) {
    const next: string[] = [];
    for (const partial of level)
      for (const child of await listChildren(lister, `${regionPrefix}${partial}`)) {
        const name = childName(`${regionPrefix}${partial}`, child);
        if ((depth === 0 ? /^\d{4}$/ : /^\d{2}$/).test(name)) next.push(`${partial}${name}/`);
      }
    level = next;
  }
  const last = deliveryDays(range.until, range.until).at(-1) ?? "";
  return level.filter((d) => d <= last).sort();
}
