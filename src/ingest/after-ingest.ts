import type { Db } from "../db/client.js";
import { analysePendingDenials } from "../db/denials.repository.js";

/**
 * The stages after storing: explain new denials into incidents. Run after every ingest of any source.
 */
export function afterIngest(db: Db): void {
  analysePendingDenials(db);
}
