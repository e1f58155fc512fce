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

  it("serves Prometheus's text format and content type: request, ingest and pipeline histograms, counters in _total", async () => {
    const { app } = testApp();
    await push(app, [denial(1), usage(1)]);
    await push(app, [denial(1)]);
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toMatch(/^# TYPE deniedby_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(
      /^deniedby_http_request_duration_seconds_bucket\{le="\+Inf",route="\/v1\/events",status="200"\} 2$/m,
    );
    expect(text).toMatch(
      /^deniedby_http_request_duration_seconds_count\{route="\/v1\/events",status="200"\} 2$/m,
    );
    expect(text).toMatch(/^deniedby_ingest_duration_seconds_count\{source="push"\} 2$/m);
    // The second push stored nothing new: the stages after storing ran once.
    expect(text).toMatch(/^deniedby_pipeline_duration_seconds_count\{source="push"\} 1$/m);
    const counters = [...text.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1] ?? "");
    expect(counters).toEqual(
      expect.arrayContaining(["deniedby_http_requests_total", "deniedby_ingest_events_total"]),
    );
    for (const name of counters) expect(name).toMatch(/_total$/);
  });

  it("adds the process and event-loop metrics once the server collects them", async () => {
    const { app, deps } = testApp();
    expect(await (await app.request("/metrics")).text()).not.toContain("process_cpu_seconds_total");
    deps.metrics.collectProcessMetrics();
    const text = await (await app.request("/metrics")).text();
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
  });
});
