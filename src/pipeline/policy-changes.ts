import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { Store } from "../db/store.js";
import type { StoredPolicyChange } from "../db/store.types.js";
import { modelKey, type PolicyChange, policyChangeEventOf, policyChangesFrom } from "../policy/index.js";
import { type StagePace, wholePace } from "./stage-pace.js";

const STAGE = "policy-changes";

/** The key a change is filed under: the principal's or policy's path-less ARN, the resource ARN, the org policy id. */
function subjectOf(change: PolicyChange): string {
  switch (change.subjectType) {
    case "principal":
    case "managed-policy":
      return modelKey(change.subject.arn);
    case "resource":
      return change.subject.arn;
    case "org-policy":
      return change.subject.id;
  }
}

/** A change as the store keeps it. */
export function storedChange(change: PolicyChange, seq: number): StoredPolicyChange {
  return {
    eventId: change.eventId,
    seq,
    at: Date.parse(change.at),
    event: change.event,
    subject: subjectOf(change),
    change: JSON.stringify(change),
  };
}

function changesOf(raw: string): StoredPolicyChange[] {
  let record: CloudTrailRecord;
  try {
    record = JSON.parse(raw) as CloudTrailRecord;
  } catch {
    return [];
  }
  // A change whose time cannot be read cannot be put in order: it is left out rather than applied anywhere.
  return policyChangesFrom(record)
    .map((c, i) => storedChange(c, i))
    .filter((c) => !Number.isNaN(c.at));
}

/**
 * The stage after storing that reads what the trail's policy events did (src/policy/trail) from the evidence events
 * stored since it last ran, and stores the changes for the policy model. Evidence only ever gains rows; when some
 * is updated or deleted (its generation moves) the changes are extracted again from the start. Reads the pace's
 * `evidence` events per transaction, pausing between transactions. Idempotent.
 */
export async function extractPolicyChanges(
  store: Store,
  pace: StagePace = wholePace,
): Promise<{ read: number; changes: number }> {
  const batchSize = pace.evidence;
  const p = store.policies;
  const generation = p.evidenceGeneration();
  let cursor = p.cursor(STAGE);
  if (cursor !== undefined && cursor.generation !== generation) {
    await store.write(() => {
      p.clearChanges();
      p.setCursor(STAGE, 0, generation);
    });
    cursor = { position: 0, generation };
  }
  let position = cursor?.position ?? 0;
  let read = 0;
  let changes = 0;
  for (;;) {
    const rows = await store.write(() => {
      const batch = p.evidenceAfter(position, batchSize);
      const last = batch.at(-1);
      if (!last) return 0;
      const found = batch
        .filter((e) => policyChangeEventOf(e) !== undefined)
        .flatMap((e) => changesOf(e.raw));
      changes += p.addChanges(found);
      position = last.rowid;
      p.setCursor(STAGE, position, generation);
      return batch.length;
    });
    read += rows;
    if (rows < batchSize) break;
    await pace.pause();
  }
  return { read, changes };
}
