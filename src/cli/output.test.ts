import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { explainDenial } from "../explain/explain.js";
import { formatTable as denialsTable } from "./denials.command.js";
import { formatTable } from "./output.js";

// ESC ] 0 ; … BEL retitles a terminal; ESC [ 2 J clears it; a bare CR overwrites the line already printed.
const hostile = "app\u001b]0;owned\u0007\u001b[2J\rrole";

/** A control character other than the newlines that end rows. */
const hasControl = (text: string) =>
  [...text].some((c) => {
    const n = c.charCodeAt(0);
    return (n < 32 && n !== 10) || (n >= 127 && n <= 159);
  });

describe("tables for the terminal", () => {
  it("show control characters from the trail as visible escapes, so they cannot drive the terminal", () => {
    const text = formatTable(["ROLE", "KIND"], [[hostile, "ecs-task"]]);
    expect(hasControl(text)).toBe(false);
    expect(text).toContain("app\\x1b]0;owned\\x07\\x1b[2J\\x0drole");
  });

  it("escape the denials table and its details too", () => {
    const record = {
      eventVersion: "1.10",
      eventID: "9b1c7d0e-0000-4000-8000-00000000e5c2",
      eventTime: "2026-11-12T10:00:00Z",
      eventSource: "s3.amazonaws.com",
      eventName: "GetObject",
      errorCode: "AccessDenied",
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${hostile}/s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`,
      userIdentity: {
        type: "AssumedRole",
        arn: `arn:aws:sts::111122223333:assumed-role/${hostile}/s`,
        accountId: "111122223333",
      },
    } as CloudTrailRecord;
    const text = denialsTable([explainDenial(record)], true);
    expect(text).toContain("\\x1b");
    expect(hasControl(text)).toBe(false);
  });
});
