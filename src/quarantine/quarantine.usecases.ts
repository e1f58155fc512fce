import type { AppDeps as Deps } from "../http/app-deps.js";
import type { QuarantineList, QuarantineQuery } from "./quarantine.schemas.js";

/** GET /v1/quarantine: a page of what ingestion set aside, newest first, with previews of the raw text. */
export function listQuarantine(deps: Pick<Deps, "store">, query: QuarantineQuery): QuarantineList {
  const { limit, cursor, source, reason } = query;
  return deps.store.quarantine.list(
    { ...(source !== undefined ? { source } : {}), ...(reason !== undefined ? { reason } : {}) },
    limit,
    cursor,
  );
}
