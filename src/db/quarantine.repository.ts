import type { Db } from "./client.js";
import { InvalidCursorError } from "./denial-pages.repository.js";
import type { QuarantineEntry } from "./ingest.repository.js";

/** What a listing may narrow the quarantine to: exact source tag and reason code. */
export interface QuarantineFilters {
  source?: string;
  reason?: string;
}

/** A quarantined piece of input with all the raw text that was kept of it. */
export type QuarantinedInput = QuarantineEntry & { id: number };

/** A quarantined piece of input without its text: where it came from and why it was set aside. */
export type QuarantineSummary = Omit<QuarantinedInput, "raw"> & {
  /** The first characters of the stored raw text (never more than the listing's preview length). */
  preview: string;
  /** The length of the stored raw text. */
  rawChars: number;
};

/** Characters of raw text a listing shows of each row. */
export const PREVIEW_CHARS = 200;

export function encodeQuarantineCursor(id: number): string {
  return Buffer.from(`q${id}`).toString("base64url");
}

export function decodeQuarantineCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = Number(text.slice(1));
  if (!text.startsWith("q") || !Number.isSafeInteger(id) || id < 1) throw new InvalidCursorError();
  return id;
}

const FILTER = `(@source IS NULL OR source = @source) AND (@reason IS NULL OR reason = @reason)`;

/**
 * The quarantine table: what input was set aside, read newest first in pages (the list never carries more raw text
 * than a preview), one row in full, rows in id order for a retry, and deletion of the rows a retry stored.
 */
export function createQuarantineRepository(db: Db) {
  const sqlite = db.$client;
  const page = sqlite.prepare(
    `SELECT id, source, location, position, reason, detail, substr(raw, 1, ${PREVIEW_CHARS}) AS preview,
       length(raw) AS rawChars
     FROM quarantine WHERE id < @before AND ${FILTER} ORDER BY id DESC LIMIT @limit`,
  );
  const one = sqlite.prepare(
    "SELECT id, source, location, position, reason, detail, raw FROM quarantine WHERE id = ?",
  );
  const after = sqlite.prepare(
    `SELECT id, source, location, position, reason, detail, raw FROM quarantine
     WHERE id > @after AND ${FILTER} ORDER BY id LIMIT @limit`,
  );
  const remove = sqlite.prepare("DELETE FROM quarantine WHERE id = ?");
  const filterParams = (f: QuarantineFilters) => ({ source: f.source ?? null, reason: f.reason ?? null });

  return {
    /** A page of rows, newest first, and the cursor of the next page (null after the last). */
    list(
      filters: QuarantineFilters,
      limit: number,
      cursor?: string,
    ): { items: QuarantineSummary[]; nextCursor: string | null } {
      const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeQuarantineCursor(cursor);
      const rows = page.all({ ...filterParams(filters), before, limit: limit + 1 }) as QuarantineSummary[];
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeQuarantineCursor(last.id) : null };
    },
    get(id: number): QuarantinedInput | undefined {
      return one.get(id) as QuarantinedInput | undefined;
    },
    /** Up to `limit` rows after id `afterId`, in id order, with their full raw text. */
    after(filters: QuarantineFilters, afterId: number, limit: number): QuarantinedInput[] {
      return after.all({ ...filterParams(filters), after: afterId, limit }) as QuarantinedInput[];
    },
    /** Deletes rows (inside the caller's write transaction); returns how many existed. */
    remove(ids: readonly number[]): number {
      let removed = 0;
      for (const id of ids) removed += remove.run(id).changes;
      return removed;
    },
  };
}

export type QuarantineRepository = ReturnType<typeof createQuarantineRepository>;
