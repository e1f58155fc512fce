import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rng } from "../../test/support/records.js";
import { inputFromRecords } from "../../test/support/store-input.js";
import { attributeCall } from "./attribute.js";
import { classifyRoles } from "./classify.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/scenario");
const trail = JSON.parse(
  readFileSync(join(dir, "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json"), "utf8"),
) as { Records: Record<string, unknown>[] };
const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as {
  roles: Record<string, string>;
  denials: Record<string, { action: string; fixTarget: string; fixRoleArn?: string }>;
};
const catalog = classifyRoles(inputFromRecords(trail.Records));
const byArn = new Map(catalog.map((e) => [e.roleArn, e]));

describe("the labelled scenario trail", () => {
  it("classifies every labelled principal correctly (100%, one case per kind and verdict)", () => {
    const misses: string[] = [];
    const labelled = Object.entries(labels.roles);
    for (const [arn, kind] of labelled) {
      const got = byArn.get(arn)?.kinds[0]?.kind ?? "(missing)";
      if (got !== kind) misses.push(`${arn}: expected ${kind}, got ${got}`);
    }
    const accuracy = (labelled.length - misses.length) / labelled.length;
    console.log(
      `role classifier accuracy on the scenario: ${(accuracy * 100).toFixed(1)}% (${labelled.length - misses.length}/${labelled.length})${misses.length ? `\n  ${misses.join("\n  ")}` : ""}`,
    );
    expect(labelled.length).toBeGreaterThanOrEqual(34);
    // The misses are listed, so a failure says which principal went wrong.
    expect(misses).toEqual([]);
    expect(accuracy).toBe(1);
  });

  it("flags the role used as both task and execution role, and only that one", () => {
    expect(catalog.filter((e) => e.dualUse).map((e) => e.roleName)).toEqual(["reports-role"]);
  });

  it("classifies the role named like an execution role by the task definition that uses it as a task role", () => {
    const misleading = byArn.get("arn:aws:iam::111122223333:role/billing-ecsTaskExecutionRole");
    expect(misleading?.kinds.map((k) => k.kind)).toEqual(["ecs-task"]);
    expect(misleading?.kinds[0]?.evidence[0]?.signal).toBe("task-definition.task-role");
  });

  it("attributes each denial of a task or execution role to the kind its label says to fix", () => {
    const byId = new Map(trail.Records.map((r) => [r.eventID, r]));
    let checked = 0;
    for (const [eventId, l] of Object.entries(labels.denials)) {
      if (l.fixTarget !== "ecs-task" && l.fixTarget !== "ecs-task-execution") continue;
      const r = byId.get(eventId);
      const entry = l.fixRoleArn ? byArn.get(l.fixRoleArn) : undefined;
      expect(entry, eventId).toBeDefined();
      if (!r || !entry) continue;
      const call = {
        eventSource: String(r.eventSource),
        eventName: String(r.eventName),
        userAgent: typeof r.userAgent === "string" ? r.userAgent : null,
      };
      expect(attributeCall(entry, call), `${eventId} ${l.action}`).toBe(l.fixTarget);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
  it("gives the same catalogue whatever order the store hands the classifier its rows in", () => {
    const input = inputFromRecords(trail.Records);
    // A seeded Fisher–Yates shuffle, so a failure replays.
    const shuffled = <T>(items: T[], seed: number): T[] => {
      const random = rng(seed);
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    };
    for (const seed of [1, 2, 3, 4, 5]) {
      const again = classifyRoles({
        evidence: shuffled(input.evidence, seed),
        sessions: shuffled(input.sessions, seed + 100),
        usage: shuffled(input.usage, seed + 200),
        denials: shuffled(input.denials, seed + 300),
        chains: shuffled(input.chains ?? [], seed + 400),
      });
      expect(again).toEqual(catalog);
    }
  });
});
