import type { Db } from "../db/client.js";
import { analysePendingDenials } from "../db/denials.repository.js";
import { refreshCatalog } from "../db/role-catalog.repository.js";

/**
 * The stages after storing, run after every ingest of any source: recompute the role catalogue from the stored
 * evidence, sessions and usage (classify), then explain new denials into incidents with it (explain).
 */
export function afterIngest(db: Db): void {
  refreshCatalog(db);
  analysePendingDenials(db);
}
