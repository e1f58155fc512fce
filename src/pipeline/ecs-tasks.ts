import { launchRecords } from "../cloudtrail/ecs-task-records.js";
import { createEcsTaskWriter, type StoredEcsTask } from "../db/ecs-tasks.repository.js";
import type { Store } from "../db/store.js";
import { parseJson } from "../shared/json.js";
import { type StagePace, wholePace } from "./stage-pace.js";

const STAGE = "ecs-tasks";

/** The tasks a stored launch record launched, as the ecs_tasks table keeps them. */
function tasksOf(row: { eventTime: number; raw: string | null }): StoredEcsTask[] {
  if (row.raw === null) return [];
  const parsed = parseJson(row.raw);
  if (!parsed.ok) return [];
  return launchRecords(parsed.value).map((t) => ({ ...t, launchedAt: row.eventTime }));
}

/**
 * The stage after storing that keeps ecs_tasks: the tasks RunTask/StartTask records launched (definition, service,
 * cluster), read from the evidence stored since it last ran, so the find filters look tasks up by index. Like the
 * policy-change extraction, it starts over when stored evidence is updated or deleted (its generation moves).
 * Reads the pace's `evidence` rows per transaction, pausing between transactions. Idempotent.
 */
export async function extractEcsTasks(
  store: Store,
  pace: StagePace = wholePace,
): Promise<{ read: number; tasks: number }> {
  const batchSize = pace.evidence;
  const cursors = store.policies;
  const writer = createEcsTaskWriter(store.db);
  const generation = cursors.evidenceGeneration();
  let cursor = cursors.cursor(STAGE);
  if (cursor === undefined || cursor.generation !== generation) {
    await store.write(() => {
      writer.clear();
      cursors.setCursor(STAGE, 0, generation);
    });
    cursor = { position: 0, generation };
  }
  let position = cursor.position;
  let read = 0;
  let tasks = 0;
  for (;;) {
    const rows = await store.write(() => {
      const batch = writer.launchesAfter(position, batchSize);
      const last = batch.at(-1);
      if (!last) return 0;
      const found = batch.flatMap(tasksOf);
      writer.save(found);
      tasks += found.length;
      position = last.rowid;
      cursors.setCursor(STAGE, position, generation);
      return batch.length;
    });
    read += rows;
    if (rows < batchSize) break;
    await pace.pause();
  }
  return { read, tasks };
}
