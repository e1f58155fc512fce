import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { pushedDenial as denial, push, pushedUsage as usage } from "../../test/support/push.js";
import { ErrorEnvelope } from "../http/openapi.js";

describe("health, readiness, metrics, errors", () => {
  it("reports not ready once the database is closed", async () => {
    const { app, deps } = testApp();
    deps.db.$client.close();
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("service.unavailable");
  });

  it("counts requests by route and status, ingest by source and outcome, and stored denials", async () => {
    const { app } = testApp();
    await push(app, [denial(1), usage(1)]);
    await push(app, [denial(1)]);
    await app.request("/v1/nowhere");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain('deniedby_http_requests_total{route="/v1/events",status="200"} 2');
    expect(text).toContain('deniedby_http_requests_total{route="unmatched",status="404"} 1');
    expect(text).toContain('deniedby_ingest_events_total{outcome="denials",source="push"} 1');
    expect(text).toContain('deniedby_ingest_events_total{outcome="duplicates",source="push"} 1');
    expect(text).toMatch(/^deniedby_denials_stored 1$/m);
  });
});
