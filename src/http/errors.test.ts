import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { DenialNotFoundError } from "../denials/denials.errors.js";
import { PolicyError } from "../policy/policy.errors.js";
import { WindowError } from "../report/report.errors.js";
import { DomainError } from "../shared/errors.js";
import { errorStatus } from "./errors.js";
import { ErrorEnvelope } from "./openapi.js";

/** The real app with a route that throws `error`, and the log lines it wrote. */
function appThrowing(error: unknown) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const { app } = testApp({}, { logger: pino({ level: "info" }, stream) });
  app.get("/v1/boom", () => {
    throw error;
  });
  return { app, lines };
}

async function answer(error: unknown) {
  const { app, lines } = appThrowing(error);
  const res = await app.request("/v1/boom");
  return { status: res.status, body: ErrorEnvelope.parse(await res.json()), lines };
}

describe("the DomainError → status mapping", () => {
  it("answers a feature's domain error with its code's status, its message and its field", async () => {
    const notFound = await answer(new DenialNotFoundError("e-1", { field: "eventId" }));
    expect(notFound.status).toBe(404);
    expect(notFound.body.error).toMatchObject({
      code: "denials.not_found",
      message: "no stored denial has eventID e-1",
      field: "eventId",
    });
    const window = await answer(new WindowError("to", "to must be a UTC day"));
    expect(window.status).toBe(400);
    expect(window.body.error).toMatchObject({ code: "request.invalid", field: "to" });
  });

  it("maps the policy evaluator's errors, declared below the serve level, through the same table", async () => {
    const res = await answer(new PolicyError("policy.invalid_document", ["Statement: missing"]));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("policy.invalid_document");
    expect(errorStatus["policy.invalid_document"]).toBe(400);
  });

  it("answers an unknown error as a bare 500 that says nothing of it, logged with the request id", async () => {
    const res = await answer(new Error("secret detail: /var/lib/deniedby.db is locked"));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: "internal.error", message: "internal error" });
    expect(JSON.stringify(res.body)).not.toContain("secret detail");
    const logged = res.lines.find((l) => l.msg === "unhandled error");
    expect(logged?.requestId).toBe(res.body.error.requestId);
    expect(res.body.error.requestId).not.toBe("");
    expect(JSON.stringify(logged)).toContain("secret detail");
  });

  it("treats a domain error whose code has no status as a bug: a logged 500", async () => {
    const res = await answer(new DomainError("nowhere.mapped", "a code nobody gave a status"));
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("internal.error");
    expect(res.lines.some((l) => l.msg === "unhandled error")).toBe(true);
  });
});
