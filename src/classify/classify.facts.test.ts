import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type FixtureCase, loadFixtureCases } from "../../test/support/classify-fixtures.js";
import { inputFromRecords, storeInput } from "../../test/support/store-input.js";
import { agentClass } from "../cloudtrail/user-agents.js";
import { openDb } from "../db/client.js";
import { createFactsReader } from "../db/facts.repository.js";
import { usageDaily } from "../db/schema.js";
import { classifyFacts, classifyRoles } from "./classify.js";

const A = "111122223333";
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const SDK = "aws-sdk-java/2.28.16 Linux/5.10 exec-env/AWS_ECS_FARGATE";
const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/scenario");

describe("the facts a store reads", () => {
  it("classifies a store exactly as classifyRoles over its observations does", () => {
    const trail = JSON.parse(
      readFileSync(join(dir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json"), "utf8"),
    ) as { Records: unknown[] };
    const input = inputFromRecords(trail.Records);
    const db = openDb({ path: ":memory:" });
    const usage = (day: string, arn: string, source: string, name: string, userAgents: string) =>
      db
        .insert(usageDaily)
        .values({
          day,
          principalArn: arn,
          principalType: "AssumedRole",
          roleArn: arn,
          accountId: A,
          eventSource: source,
          eventName: name,
          resource: "",
          calls: 1,
          errors: 0,
          firstSeen: Date.parse(`${day}T00:00:00Z`),
          lastSeen: Date.parse(`${day}T12:00:00Z`),
          userAgents,
        })
        .run();
    // The scenario as ingest would store it, usage split over two days so most groups merge two different cells.
    storeInput(db, input);
    // Edge cells: an unreadable cell, an empty list, and more agents than are kept (the ECS agent sorts last).
    const odd = `arn:aws:iam::${A}:role/odd-task`;
    usage("2026-11-16", odd, "s3.amazonaws.com", "GetObject", "not json");
    usage("2026-11-16", odd, "ecr.amazonaws.com", "BatchGetImage", "[]");
    const many = Array.from({ length: 20 }, (_, i) => `AWS-tool/${10 + i}`);
    usage("2026-11-16", odd, "ecs.amazonaws.com", "SubmitTaskStateChange", JSON.stringify(many));
    usage("2026-11-17", odd, "ecs.amazonaws.com", "SubmitTaskStateChange", JSON.stringify([AGENT]));
    usage("2026-11-18", odd, "ecs.amazonaws.com", "SubmitTaskStateChange", JSON.stringify([SDK]));
    // Event sources spelled without a dot, or with several: the store derives the action as callAction does.
    usage("2026-11-16", odd, "nodots", "Describe", JSON.stringify([SDK]));
    usage("2026-11-16", odd, "api.ecr.amazonaws.com", "GetAuthorizationToken", JSON.stringify([AGENT]));

    const reader = createFactsReader(db);
    const expected = classifyRoles(reader.loadObservations());
    expect(expected.length).toBeGreaterThan(20);
    expect(classifyFacts(reader.loadFacts(agentClass))).toEqual(expected);
    // A second load reuses the aggregate this reader registered on the connection.
    expect(classifyFacts(reader.loadFacts(agentClass))).toEqual(expected);
    db.$client.close();
  });
});

describe("every fixture case through the store", () => {
  it.each(loadFixtureCases().map((c): [string, FixtureCase] => [`${c.file}: ${c.name}`, c]))(
    "%s: classified from the store as from memory",
    (_label, c) => {
      const db = openDb({ path: ":memory:" });
      storeInput(db, c.input);
      expect(classifyFacts(createFactsReader(db).loadFacts(agentClass))).toEqual(classifyRoles(c.input));
      db.$client.close();
    },
  );
});
