import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../src/db/client.js";
import { ingestPaths, runStages } from "./ingest.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/scenario");
export const scenarioPath = join(dir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json");

export interface ScenarioLabels {
  roles: Record<string, string>;
  denials: Record<string, { action: string; deniedBy: string; fixTarget: string; fixRoleArn?: string }>;
}

export const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as ScenarioLabels;

export const scenarioRecords = (
  JSON.parse(readFileSync(scenarioPath, "utf8")) as { Records: Record<string, unknown>[] }
).Records;

/** Stores the scenario trail and runs classify + explain, as every ingest does. */
export async function loadScenario(db: Db): Promise<void> {
  await ingestPaths(db, [scenarioPath]);
  await runStages(db);
}
