import { describe, expect, it } from "vitest";
import { eventKey, maxEventKeyBytes, writeEventKey } from "./event-key.js";

const t = Date.parse("2026-11-16T10:20:30Z");

describe("eventKey", () => {
  it("packs the event hour and a UUID's 16 bytes", () => {
    const key = eventKey("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0", t);
    expect(key.length).toBe(20);
    expect(key.readUInt32BE(0)).toBe(Math.floor(t / 3_600_000));
    expect(key.subarray(4).toString("hex")).toBe("0f1e2d3c4b5a49788796a5b4c3d2e1f0");
    expect(eventKey("0F1E2D3C-4B5A-4978-8796-A5B4C3D2E1F0", t)).toEqual(key);
  });

  it("keeps ids that are not UUIDs as text, never colliding with a UUID key", () => {
    const odd = eventKey("not-a-uuid", t);
    expect(odd.subarray(5).toString("utf8")).toBe("not-a-uuid");
    expect(odd[4]).toBe(0xff);
    const almost = eventKey("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1fg", t);
    expect(almost.subarray(5).toString("utf8")).toBe("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1fg");
  });

  it("gives the same event the same key and events an hour apart different keys", () => {
    const id = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";
    expect(eventKey(id, t)).toEqual(eventKey(id, t + 60_000));
    expect(eventKey(id, t)).not.toEqual(eventKey(id, t + 3_600_000));
  });

  it("writes keys one after another into one array, byte for byte the keys eventKey gives", () => {
    const ids = [
      "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
      "ünïcode-ïd-☃",
      "not-a-uuid",
      "0F1E2D3C-4B5A-4978-8796-A5B4C3D2E1FG",
    ];
    const target = new Uint8Array(ids.reduce((n, id) => n + maxEventKeyBytes(id), 0));
    let end = 0;
    const ends = ids.map((id) => (end = writeEventKey(id, t, target, end)));
    const expected = Buffer.concat(ids.map((id) => eventKey(id, t)));
    expect(Buffer.from(target.subarray(0, end))).toEqual(expected);
    expect(ends).toEqual(
      ids.map((_, i) => ids.slice(0, i + 1).reduce((n, id) => n + eventKey(id, t).length, 0)),
    );
    expect(eventKey("ünïcode-ïd-☃", t).subarray(5).toString("utf8")).toBe("ünïcode-ïd-☃");
  });
});
