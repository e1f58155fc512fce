import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/db.js";
import { scopedEnv } from "../test/support/env.js";
import {
  createVirtualClock,
  type FakeCloudTrail,
  fakeEvent,
  startFakeCloudTrail,
} from "../test/support/fake-cloudtrail.js";
import { type FakeS3, startFakeS3 } from "../test/support/fake-s3.js";
import { type FakeSts, startFakeSts } from "../test/support/fake-sts.js";
import { putTrailFile } from "../test/support/trail-objects.js";
import { loadConfig } from "./config.js";
import { type Db, openDb } from "./db/client.js";
import { createStore, type Store } from "./db/store.js";
import { sourceContext } from "./deps.js";
import { IngestSession } from "./pipeline/ingest-session.js";
import { type Clock, systemClock } from "./shared/clock.js";
import { createAwsClients } from "./sources/aws-clients.js";
import { describeAwsFailure } from "./sources/aws-failures.js";
import { lookupEventsDefinition } from "./sources/lookup-events/lookup-events.definition.js";
import { s3Definition } from "./sources/s3/s3.definition.js";
import type { Source } from "./sources/source.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const A = "111122223333";
const B = "444455556666";
const role = (account: string) => `arn:aws:iam::${account}:role/deniedby-reader`;
const env = scopedEnv();

let sts: FakeSts;
let cloudTrail: FakeCloudTrail;
let s3: FakeS3;
let db: Db;
let store: Store;
let clock: ReturnType<typeof createVirtualClock>;

beforeEach(async () => {
  clock = createVirtualClock(NOW);
  sts = await startFakeSts({ now: clock.now });
  cloudTrail = await startFakeCloudTrail({ now: clock.now, accountOf: (key) => sts.accountOf(key) });
  s3 = await startFakeS3({ now: clock.now });
  env.set({
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    // deniedby's own credentials: the task role's in production.
    AWS_ACCESS_KEY_ID: "AKIADENIEDBYOWNKEY",
    AWS_SECRET_ACCESS_KEY: "own-secret",
    AWS_REGION: "eu-west-1",
  });
  env.unset("AWS_SESSION_TOKEN");
  db = openDb({ path: ":memory:" });
  store = createStore(db);
});

afterEach(async () => {
  env.restore();
  await sts.close();
  await cloudTrail.close();
  await s3.close();
  db.$client.close();
});

/** Reads the sources into the store in one session, as `deniedby ingest` does. */
async function readAll(sources: Source[]) {
  const session = new IngestSession({ store, source: sources[0]?.name ?? "x" });
  for (const source of sources) await session.read(source);
  return session.finish();
}

function context(env: Record<string, string>, at: Clock = clock) {
  const config = loadConfig({ ...env, DENIEDBY_S3_PATH_STYLE: "on" });
  const aws = createAwsClients({ clock: at, accounts: config.DENIEDBY_ACCOUNTS, s3PathStyle: true });
  return sourceContext({ config, aws, clock: at });
}

const denial = (id: string) =>
  fakeEvent(id, NOW - 10 * 60_000, { errorCode: "AccessDenied", errorMessage: "not authorized" });

describe("many accounts", () => {
  it("reads each member account's LookupEvents through its role, with its external id, its credentials and checkpoint", async () => {
    sts.externalIds.set(role(A), "ext-a");
    sts.externalIds.set(role(B), "ext-b");
    cloudTrail.add([denial("own-1")]);
    cloudTrail.add([denial("a-1"), denial("a-2")], A);
    cloudTrail.add([denial("b-1")], B);
    const ctx = context({
      DENIEDBY_ACCOUNTS: `${role(A)}|ext-a ${role(B)}|ext-b`,
      DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
    });
    const sources = lookupEventsDefinition.once(ctx, { paths: [], values: { since: "1h" } });
    await readAll(sources);

    // One AssumeRole per member account, with its role and external id, signed with deniedby's own key.
    expect(sts.requests.map((r) => [r.roleArn, r.externalId, r.roleSessionName, r.signedWith])).toEqual([
      [role(A), "ext-a", "deniedby", "AKIADENIEDBYOWNKEY"],
      [role(B), "ext-b", "deniedby", "AKIADENIEDBYOWNKEY"],
    ]);
    // Every LookupEvents call of an account is signed with that account's temporary credentials.
    const issued = new Map(sts.issued.map((c) => [c.account, c]));
    const byAccount = (account: string) => cloudTrail.requests.filter((r) => r.account === account);
    expect(byAccount("default").map((r) => r.accessKeyId)).toEqual(["AKIADENIEDBYOWNKEY"]);
    for (const account of [A, B]) {
      const calls = byAccount(account);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((r) => r.accessKeyId === issued.get(account)?.accessKeyId)).toBe(true);
      expect(calls.every((r) => r.securityToken === issued.get(account)?.sessionToken)).toBe(true);
    }
    const ids = db.$client.prepare("SELECT event_id FROM denials ORDER BY event_id").pluck().all();
    expect(ids).toEqual(["a-1", "a-2", "b-1", "own-1"]);
    const keys = db.$client
      .prepare("SELECT key FROM source_checkpoints WHERE source = 'lookup-events' ORDER BY key")
      .pluck()
      .all();
    expect(keys).toEqual([`${A}/eu-west-1`, `${B}/eu-west-1`, "eu-west-1"]);
    const locations = db.$client.prepare("SELECT DISTINCT source FROM denials").pluck().all();
    expect(locations).toEqual(["lookup-events"]);
  });

  it("gives each account and region its own limiter: two accounts are not slowed down by each other", async () => {
    const recent = (id: string) => fakeEvent(id, Date.now() - 10 * 60_000, { errorCode: "AccessDenied" });
    cloudTrail.add(
      Array.from({ length: 120 }, (_, i) => recent(`a-${i}`)),
      A,
    );
    cloudTrail.add(
      Array.from({ length: 120 }, (_, i) => recent(`b-${i}`)),
      B,
    );
    // The wall clock: a virtual one cannot tell two concurrent sleeps apart.
    const ctx = context(
      { DENIEDBY_ACCOUNTS: `${role(A)} ${role(B)}`, DENIEDBY_LOOKUP_REGIONS: "eu-west-1" },
      systemClock,
    );
    expect(ctx.aws.lookupLimiter("eu-west-1", A)).not.toBe(ctx.aws.lookupLimiter("eu-west-1", B));
    expect(ctx.aws.lookupLimiter("eu-west-1", A)).toBe(ctx.aws.lookupLimiter("eu-west-1", A));
    // The slots each account's limiter hands out, as the sources take them (the same limiter objects).
    const slots = new Map<string, number[]>([
      [A, []],
      [B, []],
    ]);
    for (const account of [A, B]) {
      const limiter = ctx.aws.lookupLimiter("eu-west-1", account);
      const acquire = limiter.acquire.bind(limiter);
      limiter.acquire = async (signal) => {
        const slot = await acquire(signal);
        if (slot !== null) slots.get(account)?.push(slot);
        return slot;
      };
    }
    const sources = lookupEventsDefinition.once(ctx, { paths: [], values: { since: "1h", account: [A, B] } });
    expect(sources).toHaveLength(2);
    // Read at once, as the server's pollers do: each account's requests keep 525 ms apart, not the two together.
    await Promise.all(sources.map((s) => new IngestSession({ store, source: s.name }).read(s)));
    const arrivals = (account: string) =>
      cloudTrail.requests.filter((r) => r.account === account).map((r) => r.wallAt);
    for (const account of [A, B]) {
      const taken = slots.get(account) ?? [];
      expect(taken).toHaveLength(3);
      expect(arrivals(account)).toHaveLength(3);
      // Slots, not arrival times: arrivals lag their slot by however busy the machine is, which no test can bound.
      for (let i = 1; i < taken.length; i++)
        expect((taken[i] ?? 0) - (taken[i - 1] ?? 0)).toBeGreaterThanOrEqual(525);
      arrivals(account).forEach((at, i) => {
        expect(at).toBeGreaterThanOrEqual(taken[i] ?? Number.POSITIVE_INFINITY);
      });
    }
    // In parallel: one shared limiter would have spaced all six slots in a row, 5 × 525 ms from first to last.
    const all = [...(slots.get(A) ?? []), ...(slots.get(B) ?? [])];
    expect(Math.max(...all) - Math.min(...all)).toBeLessThan(5 * 525);
  });

  it("fails with one line naming the role when the member account's trust policy refuses deniedby", async () => {
    sts.externalIds.set(role(A), "the-right-one");
    cloudTrail.add([denial("a-1")], A);
    const ctx = context({
      DENIEDBY_ACCOUNTS: `${role(A)}|a-wrong-one`,
      DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
    });
    const [source] = lookupEventsDefinition.once(ctx, { paths: [], values: { since: "1h", account: [A] } });
    const error = await readAll(source ? [source] : []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "lookup_events.request_failed" });
    expect(String((error as Error).message)).toContain(role(A));
    expect(String((error as Error).message)).not.toContain("\n");
    // What the command prints names the call that was refused, STS's, and the permission it needs.
    expect(describeAwsFailure(error)).toBe(
      "eu-west-1: AWS denied the call (STS AssumeRole): AccessDenied: deniedby's role lacks sts:AssumeRole on the member account's role, whose trust policy must name deniedby's role (and the external id set for it); grant deniedby's role the permission named",
    );
    expect(cloudTrail.requests.filter((r) => r.account === A)).toEqual([]);
  });

  it("reads a member account's bucket with that account's role", async () => {
    putTrailFile(s3, "member-trail", { account: B, region: "eu-west-1", at: NOW - 3_600_000, n: 0 });
    putTrailFile(s3, "own-trail", { account: A, region: "eu-west-1", at: NOW - 3_600_000, n: 0 });
    const file = `${tempDir()}/accounts.json`;
    writeFileSync(
      file,
      JSON.stringify({ [B]: { roleArn: role(B), externalId: "ext-b", buckets: ["member-trail"] } }),
    );
    const ctx = context({ DENIEDBY_ACCOUNTS_FILE: file });
    await readAll(s3Definition.once(ctx, { paths: ["s3://member-trail/", "s3://own-trail/"], values: {} }));
    const member = sts.issued.find((c) => c.account === B);
    const signers = (bucket: string) =>
      new Set(s3.requests.filter((r) => r.bucket === bucket).map((r) => r.accessKeyId));
    expect(signers("member-trail")).toEqual(new Set([member?.accessKeyId]));
    expect(signers("own-trail")).toEqual(new Set(["AKIADENIEDBYOWNKEY"]));
    expect(sts.requests).toMatchObject([{ roleArn: role(B), externalId: "ext-b" }]);
  });
});
