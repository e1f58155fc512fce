import { gzipSync } from "node:zlib";
import type { FakeS3, S3ObjectInfo } from "./fake-s3.js";
import { makeRecord } from "./records.js";

export interface TrailFile {
  key: string;
  info: S3ObjectInfo;
  eventIds: string[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Where a log file goes: the trail's prefix, an organisation, the account and region, its delivery time. */
export interface TrailFilePlace {
  prefix?: string;
  org?: string;
  account: string;
  region: string;
  /** Delivery time, epoch ms. */
  at: number;
  /** Its number among the files of the same minute. */
  n: number;
}

/** The key CloudTrail gives a log file (AWS, "CloudTrail log file name format"), under an optional organisation. */
export function trailFileKey(o: TrailFilePlace) {
  const d = new Date(o.at);
  const day = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  const org = o.org !== undefined ? `${o.org}/` : "";
  return (
    `${o.prefix ?? ""}AWSLogs/${org}${o.account}/CloudTrail/${o.region}/${day}/` +
    `${o.account}_CloudTrail_${o.region}_${stamp}_${pad(o.n, 4)}abcd.json.gz`
  );
}

/**
 * Puts a gzipped `{"Records":[…]}` log file of `events` records (every 4th an AccessDenied) into the fake bucket,
 * as CloudTrail delivers it, and returns its key, its S3 info and its event ids.
 */
export function putTrailFile(
  fake: FakeS3,
  bucket: string,
  o: TrailFilePlace & { events?: number; tag?: string },
): TrailFile {
  const key = trailFileKey(o);
  const count = o.events ?? 3;
  const eventIds = Array.from(
    { length: count },
    (_, i) => `${o.tag ?? "ev"}-${o.account}-${o.region}-${o.at}-${o.n}-${i}`,
  );
  const records = eventIds.map((eventId, i) =>
    makeRecord({
      eventId,
      eventTime: new Date(o.at - 60_000 + i * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      account: o.account,
      region: o.region,
      ...(i % 4 === 0
        ? { errorCode: "AccessDenied", errorMessage: "User: x is not authorized to perform: s3:GetObject" }
        : {}),
    }),
  );
  const body = gzipSync(JSON.stringify({ Records: records }));
  return {
    key,
    info: fake.put(bucket, key, body, { contentType: "application/json", contentEncoding: "gzip" }),
    eventIds,
  };
}
