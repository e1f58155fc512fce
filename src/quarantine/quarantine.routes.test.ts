import { describe, expect, it } from "vitest";
import { errorOf, getJson, testApp } from "../../test/support/app.js";
import { pushedDenial as denial, push } from "../../test/support/push.js";
import { QuarantineList } from "./quarantine.schemas.js";

/** Pushes one bad record per call (a distinct body each time, so each is its own quarantine row). */
async function quarantineSome(app: ReturnType<typeof testApp>["app"]) {
  const { eventID: _drop, ...noId } = denial(1);
  // Longer than any preview: the listing must not carry it whole.
  await push(app, [{ ...noId, requestParameters: { padding: "x".repeat(5000) } }]);
  await push(app, [denial(2), 42]);
  await push(app, [denial(3), denial(4), "text"]);
}

describe("GET /v1/quarantine", () => {
  it("lists what was set aside, newest first, a page at a time, with a bounded preview of the raw text", async () => {
    const { app } = testApp();
    await quarantineSome(app);
    const first = await getJson(app, "/v1/quarantine?limit=2", QuarantineList);
    expect(first.items.map((i) => [i.reason, i.position])).toEqual([
      ["record.not_object", "record 2"],
      ["record.not_object", "record 1"],
    ]);
    expect(first.items[0]).toMatchObject({ source: "push", preview: '"text"', rawChars: 6 });
    expect(first.nextCursor).not.toBeNull();
    const second = await getJson(app, `/v1/quarantine?limit=2&cursor=${first.nextCursor}`, QuarantineList);
    expect(second.nextCursor).toBeNull();
    expect(second.items).toHaveLength(1);
    const long = second.items[0];
    expect(long?.reason).toBe("record.missing_event_id");
    expect(long?.rawChars).toBeGreaterThan(5000);
    expect(long?.preview.length).toBe(200);
    expect(long && JSON.stringify(long).length).toBeLessThan(1000);
  });

  it("filters by reason and by source", async () => {
    const { app } = testApp();
    await quarantineSome(app);
    const missing = await getJson(app, "/v1/quarantine?reason=record.missing_event_id", QuarantineList);
    expect(missing.items.map((i) => i.reason)).toEqual(["record.missing_event_id"]);
    expect((await getJson(app, "/v1/quarantine?source=files", QuarantineList)).items).toEqual([]);
    expect((await getJson(app, "/v1/quarantine?source=push", QuarantineList)).items).toHaveLength(3);
  });

  it("refuses an unknown parameter, a bad limit and a cursor it never issued; needs the token once configured", async () => {
    const { app } = testApp();
    expect(await errorOf(app, "/v1/quarantine?bogus=1")).toMatchObject({
      status: 400,
      code: "request.invalid",
    });
    expect(await errorOf(app, "/v1/quarantine?limit=0")).toMatchObject({
      status: 400,
      code: "request.invalid",
    });
    expect(await errorOf(app, "/v1/quarantine?cursor=nonsense")).toEqual({
      status: 400,
      code: "request.invalid",
      field: "cursor",
    });
    const secured = testApp({ DENIEDBY_API_TOKEN: "0123456789abcdef-token" }).app;
    expect((await errorOf(secured, "/v1/quarantine")).status).toBe(401);
  });
});
