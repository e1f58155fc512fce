import { migrationsApplied } from "../db/client.js";
import type { AppDeps as Deps } from "../http/app-deps.js";

/** Ready when the database is open and every migration is applied. */
export function isReady(deps: Pick<Deps, "db">): boolean {
  return deps.db.$client.open && migrationsApplied(deps.db);
}

/** Gauges read at scrape time: the denials stored. */
export function collectStoreMetrics(deps: Pick<Deps, "db" | "metrics">): void {
  deps.metrics.onCollect(() => {
    if (!deps.db.$client.open) return;
    const row = deps.db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number };
    deps.metrics.set("deniedby_denials_stored", "Denials in the database", {}, row.n);
  });
}
