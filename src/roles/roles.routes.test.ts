import { describe, expect, it } from "vitest";
import { scenarioApp, scenarioLabels } from "../../test/support/scenario.js";
import { Role, RoleList } from "./roles.schemas.js";

const { get, error } = scenarioApp();

describe("GET /v1/roles", () => {
  it("lists the catalogue with the labelled kinds, filterable by kind", async () => {
    const roles = (await get("/v1/roles?limit=500", RoleList)).roles;
    for (const [arn, kind] of Object.entries(scenarioLabels.roles)) {
      expect(roles.find((r) => r.roleArn === arn)?.kinds[0]?.kind, arn).toBe(kind);
    }
    const lambdas = (await get("/v1/roles?kind=lambda", RoleList)).roles;
    expect(lambdas.length).toBeGreaterThan(0);
    expect(lambdas.every((r) => r.kinds[0]?.kind === "lambda")).toBe(true);
    // Exactly the roles labelled Lambda, none left out.
    const labelled = Object.entries(scenarioLabels.roles).filter(([, kind]) => kind === "lambda");
    expect(lambdas.map((r) => r.roleArn).sort()).toEqual(labelled.map(([arn]) => arn).sort());
  });

  it("looks a role up by role ARN or by session ARN, and 404s an unknown one", async () => {
    const arn = "arn:aws:iam::111122223333:role/ecs/checkout-execution-role";
    const entry = await get(`/v1/roles/lookup?arn=${encodeURIComponent(arn)}`, Role);
    expect(entry.kinds[0]?.kind).toBe("ecs-task-execution");
    expect(entry.kinds[0]?.evidence.length).toBeGreaterThan(0);
    const session =
      "arn:aws:sts::111122223333:assumed-role/checkout-execution-role/0123456789abcdef0123456789abcdef";
    const bySession = await get(`/v1/roles/lookup?arn=${encodeURIComponent(session)}`, Role);
    expect(bySession.roleArn).toBe(arn);
    expect(await error("/v1/roles/lookup?arn=arn:aws:iam::111122223333:role/nope")).toEqual({
      status: 404,
      code: "roles.not_found",
    });
    expect(await error("/v1/roles/lookup")).toMatchObject({ status: 400, field: "arn" });
  });
});
