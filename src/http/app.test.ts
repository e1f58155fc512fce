import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { push, pushedUsage as usage } from "../../test/support/push.js";
import { ErrorEnvelope } from "./openapi.js";

describe("authentication", () => {
  const token = "s3cret-token-0123456789";

  it("requires the bearer token on /v1 routes once one is configured, and never echoes it", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    const none = await push(app, usage(1));
    expect(none.status).toBe(401);
    expect(ErrorEnvelope.parse(none.body).error.code).toBe("auth.missing_token");
    const wrong = await push(app, usage(1), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(ErrorEnvelope.parse(wrong.body).error.code).toBe("auth.invalid_token");
    expect(JSON.stringify(wrong.body)).not.toContain(token);
    const right = await push(app, usage(1), { authorization: `Bearer ${token}` });
    expect(right.status).toBe(200);
  });

  it("guards every /v1 route, reads and writes alike", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    const routes: [string, string][] = [
      ["GET", "/v1/denials"],
      ["GET", "/v1/denials/x"],
      ["GET", "/v1/incidents"],
      ["GET", "/v1/incidents/x"],
      ["GET", "/v1/roles"],
      ["GET", "/v1/roles/lookup?arn=arn:aws:iam::111122223333:role/x"],
      ["POST", "/v1/events"],
      ["POST", "/v1/explain"],
    ];
    for (const [method, path] of routes) {
      const res = await app.request(path, method === "POST" ? postJson(usage(1)) : { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      const ok = await app.request(path, {
        ...(method === "POST" ? postJson(usage(1)) : { method }),
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      });
      expect(ok.status, `${method} ${path} with the token`).not.toBe(401);
    }
  });

  it("leaves health and readiness open", async () => {
    const { app } = testApp({ DENIEDBY_API_TOKEN: token });
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/readyz")).status).toBe(200);
  });

  it("takes the token from DENIEDBY_API_TOKEN_FILE, trailing newline trimmed, instead of answering every request 401", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "deniedby-token-")), "token");
    writeFileSync(path, `${token}\n`);
    const { app } = testApp({ DENIEDBY_API_TOKEN_FILE: path });
    expect((await push(app, usage(1), { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await push(app, usage(2))).status).toBe(401);
  });

  it("needs no token when none is configured", async () => {
    const { app } = testApp();
    expect((await push(app, usage(1))).status).toBe(200);
  });
});

describe("errors and the OpenAPI document", () => {
  it("answers unknown routes with the error envelope and a request id", async () => {
    const { app } = testApp();
    const res = await app.request("/v2/anything");
    expect(res.status).toBe(404);
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error.code).toBe("route.not_found");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves an OpenAPI document describing the routes", async () => {
    const { app } = testApp();
    const doc = (await (await app.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/readyz",
        "/v1/events",
        "/v1/explain",
        "/v1/denials",
        "/v1/denials/{eventId}",
        "/v1/incidents",
        "/v1/incidents/{id}",
        "/v1/roles",
        "/v1/roles/lookup",
      ]),
    );
  });
});

describe("media types", () => {
  it("answers 415 to a body that is not JSON on every JSON route, json-seq included, and stores nothing", async () => {
    const { app, deps } = testApp();
    const body = `${JSON.stringify(usage(1))}\n`;
    for (const path of ["/v1/events", "/v1/explain", "/v1/slack/enrich"])
      for (const type of [
        "application/json-seq",
        "application/jsonl",
        "text/plain",
        "application/x-json-stream",
      ]) {
        const res = await app.request(path, { method: "POST", headers: { "content-type": type }, body });
        expect(res.status, `${path} ${type}`).toBe(415);
        expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("request.unsupported_media_type");
      }
    expect(deps.store.db.$client.prepare("SELECT count(*) AS n FROM ingested_events").get()).toEqual({
      n: 0,
    });
  });

  it("takes JSON with parameters and +json types", async () => {
    const { app } = testApp();
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "application/cloudevents+json",
    ]) {
      const res = await app.request("/v1/explain", postJson(usage(1), { "content-type": type }));
      expect(res.status, type).toBe(200);
    }
  });
});
