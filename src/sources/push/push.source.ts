import { createHash } from "node:crypto";
import type { Source } from "../source.js";

/** The `source` of what POST /v1/events stores. */
export const PUSH_SOURCE = "push";

/**
 * One pushed body (one record, an EventBridge event, an array of either, or {"Records": [...]}) as a source: one
 * chunk, so the whole push commits or fails as a unit. Pushed events carry no file, so rejects are located by
 * position in a location named by the body's hash: different bodies stay apart, and a re-sent bad record is
 * quarantined once.
 */
export function pushSource(body: unknown): Source<void> {
  return {
    name: PUSH_SOURCE,
    async *read() {
      const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 24);
      yield [
        { kind: "value", value: body, raw: null, place: { location: `push:sha256:${hash}`, position: "" } },
      ];
    },
  };
}
