import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import { explainDenial } from "../../src/explain/explain.js";

const cases = JSON.parse(
  readFileSync(new URL("../fixtures/explain/golden.json", import.meta.url), "utf8"),
) as { record: CloudTrailRecord }[];

it("keeps the fields of an explanation in the order clients see them", () => {
  for (const c of cases)
    expect(Object.keys(explainDenial(c.record))).toEqual([
      "eventId",
      "eventTime",
      "eventSource",
      "eventName",
      "errorCode",
      "principal",
      "action",
      "actionSource",
      "actionVerified",
      "resource",
      "resourceSource",
      "deniedBy",
      "explicitDeny",
      "policyArn",
      "messageForm",
      "dependency",
      "encodedMessage",
      "caveats",
      "fix",
      "summary",
      "incidentId",
      "noise",
      "noiseReason",
    ]);
});
