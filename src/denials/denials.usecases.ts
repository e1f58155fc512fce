import { createDenialPages, type DenialFilters } from "../db/denial-pages.repository.js";
import { getDenial } from "../db/denials.repository.js";
import { explainMessage } from "../explain/message.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { explainGivenRecords } from "../pipeline/explain-records.js";
import { resolveFindFilters } from "../pipeline/find-filters.js";
import { decodeDocument } from "../pipeline/record-decoder.js";
import { taskOfSession } from "../pipeline/task-context.js";
import { InvalidInputError } from "../shared/errors.js";
import { parseJson } from "../shared/json.js";
import { parseTime, TIME_FORMS } from "../shared/time.js";
import { bodyRefusal } from "../sources/push/push.source.js";
import { InputRefusedError } from "../sources/source.js";
import { DenialNotFoundError } from "./denials.errors.js";
import {
  type DenialDetail,
  type DenialQuery,
  ExplainMessageBody,
  type ExplainResult,
  isMessageBody,
} from "./denials.schemas.js";

/** An optional time parameter as an instant (the schema has let through only what parseTime reads). */
function instantOf(field: string, text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const t = parseTime(text, now);
  if (t === null) throw new InvalidInputError(field, `${field}: expected ${TIME_FORMS}`);
  return t;
}

/**
 * The listing filters as the store takes them: times (durations back from `now`, dates, date-times) become epoch
 * ms, and until must follow since.
 */
export function denialFilters(
  q: DenialQuery,
  now: number,
): DenialFilters & { limit: number; cursor?: string } {
  const since = instantOf("since", q.since, now);
  const until = instantOf("until", q.until, now);
  if (since !== undefined && until !== undefined && until <= since)
    throw new InvalidInputError("until", "until: must be later than since");
  return {
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(q.roleArn ? { roleArn: q.roleArn } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.account ? { account: q.account } : {}),
    ...(q.incident ? { incident: q.incident } : {}),
    includeNoise: q.includeNoise === "true",
    limit: q.limit,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  };
}

/**
 * The listing filters with the find filters resolved against the store (task and service names to the tasks and
 * task roles that carry them): what both the denial and the incident listings run.
 */
export function listingFilters(
  db: Deps["db"],
  q: DenialQuery,
  now: number,
): DenialFilters & { limit: number; cursor?: string } {
  const { session, taskDefinition, service, cluster, q: text } = q;
  return {
    ...denialFilters(q, now),
    ...resolveFindFilters(db, { session, taskDefinition, service, cluster, text }),
  };
}

/** A message body checked strictly (unknown keys are errors), as the route checks every other input. */
function messageBody(body: unknown): ExplainMessageBody {
  const parsed = ExplainMessageBody.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field =
    issue?.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : (issue?.path.join(".") ?? "message");
  throw new InvalidInputError(field, `${field}: ${issue?.message ?? "invalid message body"}`);
}

/**
 * The pasted message a body holds, or undefined when it holds records. Only an object body is parsed here (records
 * bodies are read by the decoder); its nesting is bounded like every other body.
 */
function pastedMessage(text: string): { message: string; service?: string } | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok || !isMessageBody(parsed.value)) return undefined;
  const { message, service } = messageBody(parsed.value);
  return service === undefined ? { message } : { message, service };
}

/**
 * The records of a body in any shape pushes take (nesting bounded, at most `max`), its rejects added to `rejected`.
 * A body with no record text in it is refused whole.
 */
function bodyRecords(
  text: string,
  max: number,
  rejected: ExplainResult["rejected"],
): { position: string; value: unknown }[] {
  const items: { position: string; value: unknown }[] = [];
  const read = decodeDocument(text, "request", {
    record: (record, _raw, place) => {
      if (items.length >= max)
        throw new InputRefusedError("request.too_many_records", `more than ${max} records in one request`);
      items.push({ position: place.position, value: record });
    },
    reject: (r) => rejected.push({ position: r.place.position, reason: r.reason, detail: r.detail }),
    ignored: () => {},
  });
  if (read.units === 0) throw bodyRefusal(text, read.firstProblem);
  return items;
}

const LIST_HEAD = Buffer.from('{"denials":[');
const COMMA = Buffer.from(",");

/** What the denial routes do: list, show one, and explain given records without storing them. */
export function createDenialUsecases(deps: Pick<Deps, "db" | "explanations" | "clock" | "config">) {
  const { db, explanations, clock } = deps;
  const pages = createDenialPages(db);
  return {
    /**
     * A page of explanations as the JSON body of a DenialList, concatenated from cached JSON bytes: re-serialising
     * every explanation per request cost more than the query. The route tests parse it with DenialList.
     */
    listJson(query: DenialQuery): Buffer<ArrayBuffer> {
      explanations.sync();
      const { limit, cursor, ...filters } = listingFilters(db, query, clock.now());
      const page = pages.page(filters, limit, cursor);
      const items = explanations.jsonOf(page.eventIds, (ids) => pages.rows(ids));
      const parts: Buffer[] = [LIST_HEAD];
      for (const [i, item] of items.entries()) parts.push(...(i === 0 ? [item] : [COMMA, item]));
      parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(page.nextCursor)}}`));
      return Buffer.concat(parts);
    },

    /** One stored denial: its explanation, its raw record and, for a task-role session, its ECS task. */
    detail(eventId: string): DenialDetail {
      const row = getDenial(db, eventId);
      if (!row) throw new DenialNotFoundError(eventId);
      explanations.sync();
      return {
        explanation: explanations.explain(row),
        raw: JSON.parse(row.raw) as Record<string, unknown>,
        task: taskOfSession(db, row.roleArn, row.sessionName),
      };
    },

    /**
     * The denials of a body explained with the stored catalogue as context; nothing is stored. The body is read
     * as pushes are, unless it is a pasted message (every shape, nesting bounded, at most DENIEDBY_PUSH_MAX_RECORDS records).
     */
    explainBody(text: string): ExplainResult {
      const pasted = pastedMessage(text);
      if (pasted) {
        explanations.sync();
        return {
          explanations: [explainMessage(pasted, { catalog: explanations.catalog })],
          skipped: [],
          rejected: [],
        };
      }
      const result: ExplainResult = { explanations: [], skipped: [], rejected: [] };
      const items = bodyRecords(text, deps.config.DENIEDBY_PUSH_MAX_RECORDS, result.rejected);
      explanations.sync();
      for (const given of explainGivenRecords(items, explanations.catalog, explanations.policies())) {
        const { position } = given;
        if ("rejection" in given) {
          result.rejected.push({ position, reason: given.rejection.reason, detail: given.rejection.detail });
        } else if (given.explanation) {
          result.explanations.push(given.explanation);
        } else {
          const { errorCode } = given.record;
          result.skipped.push({
            position,
            reason: "not_a_denial",
            detail: errorCode
              ? `errorCode ${errorCode} is not an authorization failure`
              : "the call succeeded",
          });
        }
      }
      return result;
    },
  };
}
