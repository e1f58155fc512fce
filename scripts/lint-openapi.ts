/**
 * `npm run lint:openapi`: the OpenAPI document as the app serves it (GET /openapi.json of the real app over an empty
 * in-memory database), written to a temporary file and linted by Redocly with its recommended rules, strict (every
 * warning an error). Run by CI (.ci/run) and by src/http/openapi.lint.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { buildDeps } from "../src/deps.js";
import { createApp } from "../src/http/app.js";

const config = loadConfig({
  DENIEDBY_DB: ":memory:",
  DENIEDBY_EXAMPLES: "off",
  DENIEDBY_LOG_LEVEL: "silent",
});
const deps = buildDeps(config, { logger: pino({ level: "silent" }) });
const res = await createApp(deps).request("/openapi.json");
if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
const file = join(mkdtempSync(join(tmpdir(), "deniedby-openapi-")), "openapi.json");
writeFileSync(file, await res.text());
deps.db.$client.close();

const redocly = resolve(import.meta.dirname, "../node_modules/.bin/redocly");
const lint = spawnSync(redocly, ["lint", "--extends", "recommended-strict", "--max-problems", "100", file], {
  stdio: "inherit",
  env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
process.exit(lint.status ?? 1);
