import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../src/db/client.js";
import { ingestPaths, runStages } from "./ingest.js";

export const scenarioDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/scenario");

/** Stores the team's scenario trail (2026-11-16) and runs classify + explain, as every ingest does. */
export async function loadScenario(db: Db): Promise<void> {
  await ingestPaths(db, [
    join(scenarioDir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json"),
  ]);
  await runStages(db);
}

export const ACCOUNT = "111122223333";
export const roleArn = (path: string) => `arn:aws:iam::${ACCOUNT}:role/${path}`;
