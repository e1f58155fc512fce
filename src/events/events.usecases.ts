import type { AppDeps as Deps } from "../http/app-deps.js";
import { ingestPush } from "../pipeline/push.js";
import type { IngestResult } from "./events.schemas.js";

/** Stores a pushed body (one transaction), runs the stages after storing and says what was stored. */
export function pushEvents(
  deps: Pick<Deps, "store" | "metrics" | "stages">,
  body: unknown,
): Promise<IngestResult> {
  return ingestPush(deps, body);
}
