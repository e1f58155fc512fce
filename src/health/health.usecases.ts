import { migrationsApplied } from "../db/client.js";
import type { AppDeps as Deps } from "../http/app-deps.js";

/** Why the service is not ready, or null when it is: the database open and migrated, and writes not failing for want of space. */
export function unreadiness(deps: Pick<Deps, "db" | "storage">): string | null {
  if (!deps.db.$client.open || !migrationsApplied(deps.db)) return "the database is not open or not migrated";
  if (!deps.storage.writable()) return "the database's disk is full: writes fail until space returns";
  return null;
}

/** Gauges read at scrape time: the denials stored. */
export function collectStoreMetrics(deps: Pick<Deps, "db" | "metrics">): void {
  deps.metrics.onCollect(() => {
    if (!deps.db.$client.open) return;
    const row = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number };
    deps.metrics.set("deniedby_denials_stored", "Denials in the database", {}, row.n);
  });
}
