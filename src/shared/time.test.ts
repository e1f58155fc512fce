import { describe, expect, it } from "vitest";
import { isoTime, isoTimeOf, parseTime } from "./time.js";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");

describe("parseTime", () => {
  it("reads durations back from now", () => {
    expect(parseTime("30m", NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTime("90min", NOW)).toBe(NOW - 90 * 60_000);
    expect(parseTime("24h", NOW)).toBe(NOW - 86_400_000);
    expect(parseTime("7d", NOW)).toBe(NOW - 7 * 86_400_000);
  });

  it("reads ISO dates as midnight UTC and date-times with Z or an offset", () => {
    expect(parseTime("2026-11-16", NOW)).toBe(Date.parse("2026-11-16T00:00:00Z"));
    expect(parseTime("2026-11-16T10:00:00Z", NOW)).toBe(Date.parse("2026-11-16T10:00:00Z"));
    expect(parseTime("2026-11-16T10:00Z", NOW)).toBe(Date.parse("2026-11-16T10:00:00Z"));
    expect(parseTime("2026-11-16T10:00:00.250Z", NOW)).toBe(Date.parse("2026-11-16T10:00:00.250Z"));
    expect(parseTime("2026-11-16T11:00:00+01:00", NOW)).toBe(Date.parse("2026-11-16T10:00:00Z"));
  });

  it("refuses what is neither, days the calendar lacks and date-times without a zone", () => {
    for (const bad of [
      "",
      "1",
      "yesterday",
      "24 h",
      "1.5h",
      "7w",
      "2026-02-30",
      "2026-13-01",
      "2026-11-16T24:00:00Z",
      "2026-11-16T10:00:00",
      "foo 12",
      " 24h",
    ])
      expect(parseTime(bad, NOW), JSON.stringify(bad)).toBeNull();
  });
});

describe("the response time format", () => {
  it("is ISO-8601 UTC with milliseconds, CloudTrail's second-precision times included", () => {
    expect(isoTime(Date.parse("2026-11-16T10:00:00Z"))).toBe("2026-11-16T10:00:00.000Z");
    expect(isoTimeOf("2026-11-16T10:00:00Z")).toBe("2026-11-16T10:00:00.000Z");
    expect(isoTimeOf("not a time")).toBe("not a time");
  });
});
