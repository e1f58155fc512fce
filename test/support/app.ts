import pino from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import { buildDeps, type DepsOverrides } from "../../src/deps.js";
import { createApp } from "../../src/http/app.js";
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
