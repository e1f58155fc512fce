import type { RoleCatalogEntry } from "../classify/kinds.js";
import { isDenial } from "../cloudtrail/denial.js";
import { type Rejection, validateRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { type Explanation, explainDenial } from "../explain/explain.js";
import type { PolicyView } from "../policy/index.js";

/** One record of a given body: rejected (not a valid record), valid but not a denial, or a denial explained. */
export type GivenRecord =
  | { position: string; rejection: Rejection }
  | { position: string; record: CloudTrailRecord; explanation: Explanation | null };

/**
 * Validates each record and explains the denials among them, with the catalogue as context, storing nothing: what
 * POST /v1/explain, `deniedby explain` and Slack's enrichment do with the records they are given.
 */
export function* explainGivenRecords(
  items: Iterable<{ position: string; value: unknown }>,
  catalog: (roleArn: string) => RoleCatalogEntry | undefined,
  policies?: PolicyView,
): Generator<GivenRecord> {
  const context = { catalog, ...(policies ? { policies } : {}) };
  for (const { position, value } of items) {
    const checked = validateRecord(value);
    if ("rejection" in checked) {
      yield { position, rejection: checked.rejection };
      continue;
    }
    const record: CloudTrailRecord = checked.record;
    // Read defensively: the record passed validation, but these two fields are the sender's text.
    const code =
      typeof record.errorCode === "string" && record.errorCode !== "" ? record.errorCode : undefined;
    const message = typeof record.errorMessage === "string" ? record.errorMessage : undefined;
    yield {
      position,
      record,
      explanation: isDenial(code, message) ? explainDenial(record, context) : null,
    };
  }
}
