import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { loadClassifierInput } from "../../src/db/role-catalog.repository.js";
import { usageDaily } from "../../src/db/schema.js";

const A = "111122223333";
const SDK = "aws-sdk-java/2.28.16 Linux/5.10 exec-env/AWS_ECS_FARGATE";
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";

describe("loadClassifierInput user agents (cached per distinct cell)", () => {
  it("gives every row the same user agents as parsing its own cells, in separate arrays", () => {
    const db = openDb({ path: ":memory:" });
    const row = (day: string, role: string, name: string, userAgents: string) =>
      db
        .insert(usageDaily)
        .values({
          day,
          principalArn: `arn:aws:iam::${A}:role/${role}`,
          principalType: "AssumedRole",
          roleArn: `arn:aws:iam::${A}:role/${role}`,
          accountId: A,
          eventSource: "s3.amazonaws.com",
          eventName: name,
          resource: "",
          calls: 1,
          errors: 0,
          firstSeen: 1,
          lastSeen: 2,
          userAgents,
        })
        .run();
    const one = JSON.stringify([SDK]);
    row("2026-11-16", "a", "GetObject", one);
    row("2026-11-16", "b", "GetObject", one);
    row("2026-11-16", "c", "GetObject", one);
    row("2026-11-17", "c", "GetObject", JSON.stringify([AGENT, SDK]));
    row("2026-11-16", "d", "PutObject", "not json");
    row("2026-11-16", "e", "PutObject", JSON.stringify([SDK, SDK, 42]));

    const byRole = new Map(
      loadClassifierInput(db).usage.map((u) => [u.roleArn.slice(u.roleArn.indexOf("/") + 1), u.userAgents]),
    );
    expect(byRole.get("a")).toEqual([SDK]);
    expect(byRole.get("b")).toEqual([SDK]);
    expect(byRole.get("c")).toEqual([AGENT, SDK]);
    expect(byRole.get("d")).toEqual([]);
    expect(byRole.get("e")).toEqual([SDK]);
    // Rows sharing a cached cell must not share an array: a caller changing one must not change the other.
    expect(byRole.get("a")).not.toBe(byRole.get("b"));
    db.$client.close();
  });
});
