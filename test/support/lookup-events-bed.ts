import { afterEach, beforeEach } from "vitest";
import type { Db } from "../../src/db/client.js";
import { createStore, type Store } from "../../src/db/store.js";
import { createCloudTrailClient } from "../../src/sources/lookup-events/cloudtrail-client.js";
import {
  type LookupEventsSourceOptions,
  lookupEventsSource,
} from "../../src/sources/lookup-events/lookup-events.source.js";
import { memoryDb } from "./db.js";
import { createVirtualClock, type FakeCloudTrail, startFakeCloudTrail } from "./fake-cloudtrail.js";

export const REGION = "eu-west-1";
export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** What a LookupEvents ingest test reads from: a virtual clock, a fake CloudTrail on it, a fresh store. */
export interface LookupEventsBed {
  clock: ReturnType<typeof createVirtualClock>;
  fake: FakeCloudTrail;
  db: Db;
  store: Store;
}

/** A bed made anew before each test of the calling file (its clock at `now`) and closed after it. */
export function useLookupEventsBed(now: number): LookupEventsBed {
  const bed = {} as LookupEventsBed;
  beforeEach(async () => {
    bed.clock = createVirtualClock(now);
    bed.fake = await startFakeCloudTrail({ now: bed.clock.now });
    bed.db = memoryDb();
    bed.store = createStore(bed.db);
  });
  afterEach(async () => {
    await bed.fake.close();
    bed.db.$client.close();
  });
  return bed;
}

/** The region's LookupEvents source reading the bed's fake on its clock, retrying without jitter (random() = 1). */
export function fakeLookupSource(
  bed: LookupEventsBed,
  options: Partial<LookupEventsSourceOptions> & Pick<LookupEventsSourceOptions, "limiter">,
) {
  return lookupEventsSource({
    client: createCloudTrailClient({ region: REGION, endpoint: bed.fake.url, credentials }),
    region: REGION,
    clock: bed.clock,
    retry: { random: () => 1 },
    ...options,
  });
}
