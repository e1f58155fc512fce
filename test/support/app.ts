import pino from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import { buildDeps, type DepsOverrides } from "../../src/deps.js";
import { createApp } from "../../src/http/app.js";
import { ErrorEnvelope } from "../../src/http/openapi.js";
import { clockAt } from "../../src/shared/clock.js";
import { memoryDb } from "./db.js";

/** The real app around a fresh migrated in-memory database, silent logs and a fixed clock. */
export function testApp(env: Record<string, string> = {}, overrides: DepsOverrides = {}) {
  const config: Config = loadConfig({ DENIEDBY_DB: ":memory:", DENIEDBY_EXAMPLES: "off", ...env });
  const deps = buildDeps(config, {
    db: memoryDb(),
    logger: pino({ level: "silent" }),
    clock: clockAt(() => Date.parse("2026-11-20T12:00:00Z")),
    ...overrides,
  });
  return { app: createApp(deps), deps };
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

type App = ReturnType<typeof testApp>["app"];

/** GET a path that must answer 200, its body parsed with the route's own schema. */
export async function getJson<T>(app: App, path: string, schema: { parse: (v: unknown) => T }): Promise<T> {
  const res = await app.request(path);
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return schema.parse(body);
}

/** The status, error code and field of a request that must fail, its body parsed as the error envelope. */
export async function errorOf(
  app: App,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; code: string; field?: string }> {
  const res = await app.request(path, init);
  const body = ErrorEnvelope.parse(await res.json());
  return {
    status: res.status,
    code: body.error.code,
    ...(body.error.field ? { field: body.error.field } : {}),
  };
}
