import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { recordReader } from "../files/files.source.js";
import { InputRefusedError, type Source, type SourceItem } from "../source.js";

/** The `source` of what POST /v1/events stores. */
export const PUSH_SOURCE = "push";

/** How much of a body is split at a time: the server serves other requests between slices. */
const SLICE_CHARS = 64 * 1024;

/**
 * Why a request body with no record in it is refused: it is not JSON at all (request.invalid_json), or JSON that
 * is neither an object nor an array (request.invalid). `problem` is what the splitter said of it.
 */
export function bodyRefusal(text: string, problem: string | undefined): InputRefusedError {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
    try {
      // No object or array at the top: parsing it is safe, whatever it holds.
      const value: unknown = JSON.parse(text);
      return new InputRefusedError(
        "request.invalid",
        `the body must be a JSON object or array, not ${value === null ? "null" : typeof value}`,
      );
    } catch {
      // not JSON: said below
    }
  }
  return new InputRefusedError(
    "request.invalid_json",
    `the body is not valid JSON${problem ? `: ${problem}` : ""}`,
  );
}

/**
 * One pushed body (a record, an envelope, an array of them, or {"Records": [...]}) as a source: its text goes
 * through the same record splitter as files, a slice at a time, so a record nested too deep or cut short is set
 * aside alone and the others are stored. Pushed events carry no file, so rejects are located by position in a
 * location named by the body's hash: different bodies stay apart, and a re-sent bad record is quarantined once.
 */
export function pushSource(text: string): Source<void> {
  return {
    name: PUSH_SOURCE,
    async *read() {
      const hash = createHash("sha256").update(text).digest("hex").slice(0, 24);
      const reader = recordReader(`push:sha256:${hash}`);
      let records = 0;
      let first: SourceItem | undefined;
      const seen = (items: SourceItem[]) => {
        for (const item of items) if (item.kind === "text") records++;
        first ??= items[0];
        return items;
      };
      for (let at = 0; at < text.length; at += SLICE_CHARS) {
        yield seen(reader.push(text.slice(at, at + SLICE_CHARS)));
        await nextTurn();
      }
      const last = seen(reader.end());
      if (records === 0) throw bodyRefusal(text, first?.kind === "reject" ? first.detail : undefined);
      yield last;
    },
  };
}
