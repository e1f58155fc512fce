import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "./fake-cloudtrail.js";
import { ACCESS_DENIED, type FakeS3, INTERNAL_ERROR, SLOW_DOWN, startFakeS3 } from "./fake-s3.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const BUCKET = "trail-bucket";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let fake: FakeS3;
let clock: ReturnType<typeof createVirtualClock>;
let savedEndpoint: string | undefined;

beforeEach(async () => {
  clock = createVirtualClock(NOW);
  fake = await startFakeS3({ now: clock.now });
  savedEndpoint = process.env.AWS_ENDPOINT_URL_S3;
  process.env.AWS_ENDPOINT_URL_S3 = fake.url;
});

afterEach(async () => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
  else process.env.AWS_ENDPOINT_URL_S3 = savedEndpoint;
  await fake.close();
});

/** A real S3 client; the endpoint comes from AWS_ENDPOINT_URL_S3 as it will in production. */
const s3 = (config: S3ClientConfig = {}) =>
  new S3Client({ region: "eu-west-1", forcePathStyle: true, credentials, ...config });

async function listAll(input: {
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
  StartAfter?: string;
}) {
  const pages: ListObjectsV2CommandOutput[] = [];
  for await (const page of paginateListObjectsV2({ client: s3() }, { Bucket: BUCKET, ...input }))
    pages.push(page);
  return {
    pages,
    keys: pages.flatMap((p) => (p.Contents ?? []).map((o) => o.Key)),
    prefixes: pages.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix)),
  };
}

async function caught(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

const trailKey = (account: string, day: number, n: number) =>
  `AWSLogs/${account}/CloudTrail/eu-west-1/2026/03/${String(day).padStart(2, "0")}/` +
  `${account}_CloudTrail_eu-west-1_202603${String(day).padStart(2, "0")}T1200Z_${String(n).padStart(4, "0")}.json.gz`;

describe("fake S3 with the real S3Client", () => {
  it("pages ListObjectsV2 through continuation tokens: every key once, in byte order, 1,000 a page", async () => {
    const keys = Array.from({ length: 2_345 }, (_, i) => trailKey("111122223333", 1 + (i % 9), i));
    for (const key of keys) fake.put(BUCKET, key, `{"Records":[]}`);
    fake.put(BUCKET, "other/ignored.json.gz", "x");

    const { pages, keys: listed } = await listAll({ Prefix: "AWSLogs/" });

    expect(listed).toEqual([...keys].sort());
    expect(pages.map((p) => p.KeyCount)).toEqual([1000, 1000, 345]);
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
    const lists = fake.requests.filter((r) => r.operation === "ListObjectsV2");
    expect(lists).toHaveLength(3);
    expect(lists[0]?.query["continuation-token"]).toBeUndefined();
    expect(lists[1]?.query["continuation-token"]).toBe(pages[0]?.NextContinuationToken);
    expect(lists[2]?.query["continuation-token"]).toBe(pages[1]?.NextContinuationToken);
    expect(lists.every((r) => r.query.prefix === "AWSLogs/" && r.query["list-type"] === "2")).toBe(true);
  });

  it("honours MaxKeys and StartAfter, and the token, not StartAfter, decides where a later page starts", async () => {
    for (const k of ["a", "b", "c", "d", "e", "f", "g"]) fake.put(BUCKET, k, k);

    const { pages, keys } = await listAll({ MaxKeys: 2, StartAfter: "b" });

    expect(keys).toEqual(["c", "d", "e", "f", "g"]);
    expect(pages.map((p) => p.Contents?.map((o) => o.Key))).toEqual([["c", "d"], ["e", "f"], ["g"]]);
    expect(pages[0]?.StartAfter).toBe("b");
  });

  it("folds keys under the delimiter into CommonPrefixes, paging over prefixes without repeating one", async () => {
    for (const account of ["111122223333", "444455556666", "777788889999"])
      for (let day = 1; day <= 3; day++) fake.put(BUCKET, trailKey(account, day, 1), "{}");
    fake.put(BUCKET, "AWSLogs/readme.txt", "top-level object");

    const top = await listAll({ Prefix: "AWSLogs/", Delimiter: "/", MaxKeys: 2 });
    expect(top.prefixes).toEqual(["AWSLogs/111122223333/", "AWSLogs/444455556666/", "AWSLogs/777788889999/"]);
    expect(top.keys).toEqual(["AWSLogs/readme.txt"]);
    expect(top.pages).toHaveLength(2);

    const days = await listAll({
      Prefix: "AWSLogs/444455556666/CloudTrail/eu-west-1/2026/03/",
      Delimiter: "/",
    });
    expect(days.prefixes).toEqual(
      ["01/", "02/", "03/"].map((d) => `AWSLogs/444455556666/CloudTrail/eu-west-1/2026/03/${d}`),
    );
  });

  it("refuses a continuation token it did not issue with InvalidArgument", async () => {
    fake.put(BUCKET, "a", "a");
    const error = await caught(
      s3().send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: "forged" })),
    );
    expect(error.name).toBe("InvalidArgument");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("serves GetObject and HeadObject with the body, a quoted MD5 ETag, Content-Length and a byte range", async () => {
    const body = Buffer.from(`{"Records":[{"eventID":"e-1"}]}`);
    const info = fake.put(BUCKET, "dir/file one+é.json.gz", body, {
      contentType: "application/json",
      contentEncoding: "gzip",
    });

    const got = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/file one+é.json.gz" }));
    expect(
      Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    ).toEqual(body);
    expect(got.ETag).toBe(`"${info.eTag}"`);
    expect(info.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(got.ContentLength).toBe(body.length);
    expect(got.ContentEncoding).toBe("gzip");
    expect(got.ContentType).toBe("application/json");
    expect(got.LastModified?.getTime()).toBe(NOW);

    const head = await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: "dir/file one+é.json.gz" }));
    expect(head.ETag).toBe(`"${info.eTag}"`);
    expect(head.ContentLength).toBe(body.length);

    const ranged = await s3().send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "dir/file one+é.json.gz", Range: "bytes=2-8" }),
    );
    expect(await ranged.Body?.transformToString()).toBe(body.subarray(2, 9).toString());
    expect(ranged.ContentRange).toBe(`bytes 2-8/${body.length}`);
    expect(ranged.ContentLength).toBe(7);

    const tooFar = await caught(
      s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/file one+é.json.gz", Range: "bytes=999-" })),
    );
    expect(tooFar.name).toBe("InvalidRange");
    expect(fake.requests.map((r) => r.key)).toEqual(Array(4).fill("dir/file one+é.json.gz"));
  });

  it("gives a replaced object a new ETag, and If-Match on the old one fails with PreconditionFailed", async () => {
    const first = fake.put(BUCKET, "k.json.gz", "version one");
    const [listedBefore] = (await listAll({})).pages.flatMap((p) => p.Contents ?? []);
    const second = fake.put(BUCKET, "k.json.gz", "version two");

    expect(second.eTag).not.toBe(first.eTag);
    expect(listedBefore?.ETag).toBe(`"${first.eTag}"`);
    const [listedAfter] = (await listAll({})).pages.flatMap((p) => p.Contents ?? []);
    expect(listedAfter?.ETag).toBe(`"${second.eTag}"`);
    expect(listedAfter?.Size).toBe("version two".length);

    const stale = await caught(
      s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: "k.json.gz", IfMatch: `"${first.eTag}"` })),
    );
    expect(stale.name).toBe("PreconditionFailed");
    expect(stale.$metadata.httpStatusCode).toBe(412);
    const fresh = await s3().send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "k.json.gz", IfMatch: `"${second.eTag}"` }),
    );
    expect(await fresh.Body?.transformToString()).toBe("version two");
  });

  it("answers NoSuchKey for an object deleted between the list and the get, and NoSuchBucket for a missing bucket", async () => {
    fake.put(BUCKET, "gone.json.gz", "soon gone");
    const listed = (await listAll({})).keys;
    expect(fake.delete(BUCKET, "gone.json.gz")).toBe(true);

    const error = await caught(s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: listed[0] })));
    expect(error.name).toBe("NoSuchKey");
    expect(error.$metadata.httpStatusCode).toBe(404);
    const head = await caught(s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: "gone.json.gz" })));
    expect(head.$metadata.httpStatusCode).toBe(404);
    expect((await listAll({})).keys).toEqual([]);

    const noBucket = await caught(s3().send(new ListObjectsV2Command({ Bucket: "no-such-bucket" })));
    expect(noBucket.name).toBe("NoSuchBucket");
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
  });

  it("lets the SDK's own retry ride out SlowDown: two 503s, then the list succeeds on the third attempt", async () => {
    fake.put(BUCKET, "a", "a");
    fake.fail(SLOW_DOWN, { times: 2, when: (r) => r.operation === "ListObjectsV2" });

    const out = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET }));

    expect(out.Contents?.map((o) => o.Key)).toEqual(["a"]);
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.requests.map((r) => [r.operation, r.status])).toEqual([
      ["ListObjectsV2", 503],
      ["ListObjectsV2", 503],
      ["ListObjectsV2", 200],
    ]);
  });

  it("surfaces SlowDown once the SDK's attempts are spent, and AccessDenied at once (not retried)", async () => {
    fake.put(BUCKET, "a", "a");
    fake.fail(SLOW_DOWN, { times: 5 });
    const throttled = await caught(s3({ maxAttempts: 2 }).send(new ListObjectsV2Command({ Bucket: BUCKET })));
    expect(throttled.name).toBe("SlowDown");
    expect(throttled.$metadata.httpStatusCode).toBe(503);
    expect(fake.requests).toHaveLength(2);

    const denying = await startFakeS3();
    try {
      denying.put(BUCKET, "a", "a");
      denying.fail(ACCESS_DENIED, { times: Number.POSITIVE_INFINITY, when: (r) => r.key === "a" });
      const denied = await caught(
        s3({ endpoint: denying.url }).send(new GetObjectCommand({ Bucket: BUCKET, Key: "a" })),
      );
      expect(denied.name).toBe("AccessDenied");
      expect(denied.message).toBe("Access Denied");
      expect(denied.$metadata.httpStatusCode).toBe(403);
      expect(denying.requests.map((r) => r.status)).toEqual([403]);
      const listed = await s3({ endpoint: denying.url }).send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect(listed.KeyCount).toBe(1);
    } finally {
      await denying.close();
    }
  });

  it("answers onRequest's fault instead, and logs method, path, query and the fake clock's time", async () => {
    fake.put(BUCKET, "x/y.json", "{}");
    fake.onRequest = (r) =>
      r.operation === "GetObject" && r.at >= NOW + 60_000 ? INTERNAL_ERROR : undefined;
    await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: "x/y.json" }));
    clock.advance(60_000);
    const failed = await caught(
      s3({ maxAttempts: 1 }).send(new GetObjectCommand({ Bucket: BUCKET, Key: "x/y.json" })),
    );

    expect(failed.name).toBe("InternalError");
    expect(
      fake.requests.map((r) => ({ method: r.method, path: r.path, at: r.at, status: r.status })),
    ).toEqual([
      { method: "GET", path: "/trail-bucket/x/y.json", at: NOW, status: 200 },
      { method: "GET", path: "/trail-bucket/x/y.json", at: NOW + 60_000, status: 500 },
    ]);
    expect(fake.requests[0]?.query["x-id"]).toBe("GetObject");
  });

  it("refuses unsigned requests with AccessDenied", async () => {
    fake.put(BUCKET, "a", "a");
    const res = await fetch(`${fake.url}/${BUCKET}/a`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>AccessDenied</Code>");
  });
});
