import { describe, expect, it } from "vitest";
import { deliveryDays, isLogObjectKey, parseS3Uri, trailScope } from "./trail-layout.js";

describe("CloudTrail's S3 layout", () => {
  it("reads s3:// URIs, and refuses what names no bucket", () => {
    expect(parseS3Uri("s3://trail-bucket")).toEqual({ bucket: "trail-bucket", prefix: "" });
    expect(parseS3Uri("s3://trail-bucket/logs/AWSLogs/")).toEqual({
      bucket: "trail-bucket",
      prefix: "logs/AWSLogs/",
    });
    expect(parseS3Uri("s3:///key")).toBeNull();
    expect(parseS3Uri("https://trail-bucket/x")).toBeNull();
  });

  it("places a prefix in the layout: the trail's prefix, an organisation, an account, a region, a date", () => {
    expect(trailScope("")).toMatchObject({ root: "AWSLogs/", account: null });
    expect(trailScope("trails")).toMatchObject({ root: "trails/AWSLogs/" });
    expect(trailScope("trails/AWSLogs/o-abcdef1234/")).toMatchObject({
      root: "trails/AWSLogs/",
      org: "o-abcdef1234",
      account: null,
    });
    expect(trailScope("AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2026/03/")).toEqual({
      root: "AWSLogs/",
      org: "o-abcdef1234",
      account: "111122223333",
      region: "eu-west-1",
      date: ["2026", "03"],
    });
    expect(trailScope("AWSLogs/111122223333/CloudTrail-Digest/")).toBeNull();
    expect(trailScope("AWSLogs/not-an-account/")).toBeNull();
    expect(trailScope("AWSLogs/111122223333/CloudTrail/eu-west-1/26/")).toBeNull();
  });

  it("lists the delivery days of a range and the day after it", () => {
    expect(deliveryDays(Date.parse("2026-02-27T23:00:00Z"), Date.parse("2026-03-01T08:00:00Z"))).toEqual([
      "2026/02/27/",
      "2026/02/28/",
      "2026/03/01/",
      "2026/03/02/",
    ]);
  });

  it("tells log files from digests and other objects", () => {
    expect(isLogObjectKey("AWSLogs/1/CloudTrail/eu-west-1/2026/03/01/x.json.gz")).toBe(true);
    expect(isLogObjectKey("AWSLogs/1/CloudTrail-Digest/eu-west-1/2026/03/01/x.json.gz")).toBe(false);
    expect(isLogObjectKey("AWSLogs/1/CloudTrail/eu-west-1/2026/03/01/x.txt")).toBe(false);
  });
});
