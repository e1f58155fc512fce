import type { Db } from "../db/client.js";

/**
 * The stages after storing: explain new denials (incidents) and recompute the role catalogue. Run after every
 * ingest of any source so that the catalogue follows the events.
 */
export function afterIngest(_db: Db): void {}
