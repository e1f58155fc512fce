import type { AppDeps as Deps } from "../http/app-deps.js";
import { ingestPush } from "../pipeline/push.js";
import type { IngestResult } from "./events.schemas.js";

/**
 * Stores a pushed body (one transaction), runs the stages after storing and says what was stored. A body that is
 * not JSON, or past the record cap, is refused whole (InputRefusedError, answered with its code).
 */
export function pushEvents(
  deps: Pick<Deps, "store" | "metrics" | "stages" | "config">,
  text: string,
): Promise<IngestResult> {
  return ingestPush(deps, text, { maxRecords: deps.config.DENIEDBY_PUSH_MAX_RECORDS });
}
