import { describe, expect, it } from "vitest";
import { parseNotification } from "./notifications.js";

const s3Record = (key: string, eventName = "ObjectCreated:Put") => ({
  eventSource: "aws:s3",
  eventName,
  s3: { bucket: { name: "b" }, object: { key, eTag: "abc" } },
});

describe("new-log-file notifications", () => {
  it("reads an S3 event notification's created objects, keys decoded", () => {
    const body = JSON.stringify({
      Records: [s3Record("a/red+flower%2B1.json.gz"), s3Record("gone", "ObjectRemoved:Delete")],
    });
    expect(parseNotification(body)).toEqual({
      kind: "objects",
      objects: [{ bucket: "b", key: "a/red flower+1.json.gz", eTag: "abc" }],
    });
  });

  it("unwraps SNS's envelope once, and reads CloudTrail's own notification", () => {
    const inner = JSON.stringify({ s3Bucket: "b", s3ObjectKey: ["k1", "k2"] });
    expect(parseNotification(JSON.stringify({ Type: "Notification", Message: inner }))).toEqual({
      kind: "objects",
      objects: [
        { bucket: "b", key: "k1" },
        { bucket: "b", key: "k2" },
      ],
    });
    const twice = JSON.stringify({
      Type: "Notification",
      Message: JSON.stringify({ Type: "Notification", Message: inner }),
    });
    expect(parseNotification(twice).kind).toBe("unreadable");
  });

  it("knows S3's test event and explains nothing else", () => {
    expect(parseNotification(JSON.stringify({ Event: "s3:TestEvent", Bucket: "b" }))).toEqual({
      kind: "test",
    });
    expect(parseNotification("not json")).toMatchObject({ kind: "unreadable" });
    expect(parseNotification(JSON.stringify({ Records: [{ eventSource: "aws:sqs" }] }))).toMatchObject({
      kind: "unreadable",
    });
    expect(parseNotification("[1]")).toMatchObject({ kind: "unreadable" });
  });
});
