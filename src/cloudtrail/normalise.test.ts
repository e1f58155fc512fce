import { describe, expect, it } from "vitest";
import { makeRecord } from "../../test/support/records.js";
import { normaliseRecord, validateRecord } from "./normalise.js";

const record = (patch: Record<string, unknown> = {}) => ({
  ...makeRecord({ eventId: "e-1", eventTime: "2026-11-16T10:00:00Z", errorCode: "AccessDenied" }),
  ...patch,
});

describe("validateRecord", () => {
  it.each([
    [{ awsRegion: true }, "awsRegion: expected a string, found a boolean"],
    [{ recipientAccountId: { id: 1 } }, "recipientAccountId: expected a string, found an object"],
    [{ awsRegion: [], errorCode: ["AccessDenied", "x"] }, "awsRegion: expected a string, found an array"],
    [{ errorMessage: 403 }, "errorMessage: expected a string, found a number"],
    [{ resources: "arn:aws:s3:::b" }, "resources: expected an array, found a string"],
  ])("sets aside a record with a field of the wrong type, naming it (%j)", (patch, detail) => {
    const checked = validateRecord(record(patch));
    expect(checked).toEqual({
      rejection: { reason: "record.invalid_field", detail: `eventID e-1: ${detail}` },
    });
  });

  it("names nested fields by their path", () => {
    const base = record();
    const identity = base.userIdentity as Record<string, unknown>;
    expect(validateRecord({ ...base, userIdentity: { ...identity, type: { x: 1 } } })).toMatchObject({
      rejection: {
        reason: "record.invalid_field",
        detail: "eventID e-1: userIdentity.type: expected a string, found an object",
      },
    });
    expect(validateRecord({ ...base, userIdentity: { ...identity, arn: ["a"] } })).toMatchObject({
      rejection: { detail: "eventID e-1: userIdentity.arn: expected a string, found an array" },
    });
  });

  it("keeps the reasons for missing identifying fields", () => {
    expect(validateRecord(record({ eventID: "" }))).toMatchObject({
      rejection: { reason: "record.missing_event_id" },
    });
    expect(validateRecord(record({ eventTime: undefined }))).toMatchObject({
      rejection: { reason: "record.missing_event_time" },
    });
    expect(validateRecord(record({ eventName: "" }))).toMatchObject({
      rejection: { reason: "record.missing_event_name" },
    });
    expect(validateRecord(record({ eventID: 7 }))).toMatchObject({
      rejection: { reason: "record.invalid_field", detail: "eventID: expected a string, found a number" },
    });
  });

  it.each(["1", "foo 12", "2026-02-30", "2026-02-30T00:00:00Z", "2026-11-16T25:00:00Z"])(
    "sets aside the eventTime %j instead of storing some other day",
    (eventTime) => {
      expect(validateRecord(record({ eventTime }))).toMatchObject({
        rejection: { reason: "record.invalid_event_time" },
      });
    },
  );

  it("takes a Logstash export's @timestamp for a missing eventTime, in CloudTrail's form only", () => {
    const { eventTime: _t, ...rest } = record();
    expect(validateRecord({ ...rest, "@timestamp": "2020-09-14T01:19:40.000Z" })).toHaveProperty("record");
    expect(validateRecord({ ...rest, "@timestamp": "14/09/2020" })).toMatchObject({
      rejection: { reason: "record.invalid_event_time" },
    });
  });
});

describe("normaliseRecord", () => {
  it("stores the instant and UTC day of an eventTime with milliseconds or an offset", () => {
    const at = (eventTime: string) => {
      const checked = validateRecord(record({ eventTime }));
      if (!("record" in checked)) throw new Error(`rejected ${eventTime}`);
      return normaliseRecord(checked.record);
    };
    expect(at("2026-11-16T23:30:00.250Z")).toMatchObject({
      eventTime: Date.parse("2026-11-16T23:30:00.250Z"),
      day: "2026-11-16",
    });
    expect(at("2026-11-16T23:30:00-02:00")).toMatchObject({
      eventTime: Date.parse("2026-11-17T01:30:00Z"),
      day: "2026-11-17",
    });
  });
});
