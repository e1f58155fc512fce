import pino from "pino";
import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";

/** The app with its log lines captured. */
function loggedApp() {
  const lines: { requestId?: string; msg: string }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { ...testApp({}, { logger }), lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("X-Request-Id", () => {
  it("keeps a client's id of letters, digits and _.:=- up to 128 characters: echoed and logged", async () => {
    const { app, lines } = loggedApp();
    for (const id of [
      "abc-123",
      "Root=1-67891233-abcdef012345678912345678",
      "trace.7:span_9",
      "x".repeat(128),
    ]) {
      const res = await app.request("/healthz", { headers: { "x-request-id": id } });
      expect(res.headers.get("x-request-id")).toBe(id);
      expect(lines.at(-1)).toMatchObject({ msg: "request", requestId: id });
    }
  });

  it("replaces anything else with a new id before it is logged or echoed", async () => {
    const { app, lines } = loggedApp();
    const bad = [
      "x".repeat(129),
      "a b",
      "<script>alert(1)</script>",
      '{"level":60}',
      "id;rm",
      "%0d%0a",
      "caf\u00e9",
    ];
    for (const id of bad) {
      const res = await app.request("/v1/nothing-here", { headers: { "x-request-id": id } });
      const echoed = res.headers.get("x-request-id") ?? "";
      expect(echoed, id).toMatch(UUID);
      expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe(echoed);
      expect(lines.at(-1)?.requestId).toBe(echoed);
    }
    expect(JSON.stringify(lines)).not.toContain("script");
  });
});
