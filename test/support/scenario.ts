import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { beforeAll } from "vitest";
import type { Db } from "../../src/db/client.js";
import { createStore } from "../../src/db/store.js";
import { importOrgDirectory } from "../../src/pipeline/policy-imports.js";
import { errorOf, getJson, testApp } from "./app.js";
import { ingestPaths, runStages } from "./ingest.js";

export const scenarioDir = resolve(import.meta.dirname, "../../examples/scenario");

export interface ScenarioLabels {
  roles: Record<string, string>;
  denials: Record<
    string,
    {
      action: string;
      resource: string | null;
      deniedBy: string;
      fixTarget: string;
      fixRoleArn?: string;
      /** Labelled where it matters: the noise reason the denial must carry, or null when it must not be noise. */
      noise?: string | null;
    }
  >;
}

export const scenarioLabels = JSON.parse(
  readFileSync(resolve(scenarioDir, "labels.json"), "utf8"),
) as ScenarioLabels;

/** When the scenario's organisation directory was captured: before the day's trail. */
export const scenarioOrgCapturedAt = Date.parse("2026-11-16T08:00:00Z");

/** `deniedby import org examples/scenario/org`: the scenario's SCPs and RCPs and where they apply. */
export async function importScenarioOrg(db: Db): Promise<void> {
  const dir = resolve(scenarioDir, "org");
  await importOrgDirectory(
    createStore(db),
    (path) => readFile(resolve(dir, path), "utf8").catch(() => undefined),
    { ref: dir, capturedAt: scenarioOrgCapturedAt, now: scenarioOrgCapturedAt },
  );
}

/**
 * Stores the team's scenario trail the way `deniedby ingest` does (ingest, classify, explain), and its
 * organisation the way `deniedby import org` does.
 */
export async function loadScenario(db: Db): Promise<void> {
  await ingestPaths(db, [
    resolve(scenarioDir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json"),
  ]);
  await runStages(db);
  await importScenarioOrg(db);
}

/**
 * The real app around the scenario trail, loaded once for the file (beforeAll), with GET and error helpers: what
 * the route tests over the scenario share.
 */
export function scenarioApp() {
  const { app, deps } = testApp();
  beforeAll(async () => {
    await loadScenario(deps.db);
  });
  return {
    app,
    deps,
    get: <T>(path: string, schema: { parse: (v: unknown) => T }) => getJson(app, path, schema),
    error: (path: string, init?: RequestInit) => errorOf(app, path, init),
  };
}
