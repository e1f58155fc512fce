import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { loadScenario, roleArn } from "../../test/support/report-scenario.js";
import type { Db } from "../db/client.js";
import { getDenial } from "../db/denials.repository.js";
import { createStore } from "../db/store.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import { escapeMarkdown } from "../shared/text-escape.js";
import { messageForStoredDenial } from "../slack/enrich.js";
import { renderHtml } from "./report.render.html.js";
import { renderMarkdown } from "./report.render.md.js";
import type { DeniedAction, LeastPrivilegeReport, RoleReport } from "./report.schemas.js";
import { leastPrivilegeReport } from "./report.usecases.js";

/**
 * What the report takes from the policy model on the scenario: the seed findings (examples/scenario/generate.ts,
 * "seed findings"), each predicted from the trail, and the deciding statement of each denial group.
 */
const NOW = Date.parse("2026-11-20T00:00:00Z");
/** The literal values billing:4 puts in its environment: they must never come out of deniedby. */
const VALUES = ["sk_live_SCENARIO0fake0value0d9c8b7a", "scenario-fake-password-4f3e"];
let db: Db;
let week: LeastPrivilegeReport;
beforeAll(async () => {
  db = memoryDb();
  await loadScenario(db);
  week = leastPrivilegeReport(createStore(db), { from: "2026-11-10", to: "2026-11-16" }, NOW);
});

const task = (code: string) => week.tasks.findings.filter((f) => f.code === code);
const role = (arn: string): RoleReport => {
  const found = week.groups.flatMap((g) => g.roles).find((r) => r.roleArn === arn);
  if (!found) throw new Error(`no role ${arn}`);
  return found;
};
const actionsOf = (r: RoleReport, code: string) => r.findings.find((f) => f.code === code)?.actions;

describe("seed findings on the scenario trail", () => {
  it("flags the plaintext secrets of billing:4 by name on its execution role, and only the secret-looking ones", () => {
    const [f, ...rest] = task("plaintext-secret-env");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      taskDefinition: "billing:4",
      roleArn: roleArn("ecsTaskExecutionRole"),
      names: ["billing/DB_PASSWORD", "billing/STRIPE_API_KEY"],
    });
    expect(f?.detail).toContain("`secrets`");
  });

  it("never prints a secret's value: not in the JSON, the Markdown, the HTML, nor any Slack message", () => {
    const json = JSON.stringify(week);
    const texts = [json, renderMarkdown(week), renderHtml(week)];
    const store = createStore(db);
    const policies = currentPolicies(store);
    const ids = db.$client.prepare("SELECT event_id FROM denials").pluck().all() as string[];
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) {
      const row = getDenial(db, id);
      if (row) texts.push(JSON.stringify(messageForStoredDenial(db, row, "https://x.example", { policies })));
    }
    // The values are in the stored trail (that is the leak the finding reports), so the check is not vacuous.
    expect(
      db.$client
        .prepare("SELECT count(*) FROM evidence_events WHERE instr(raw, ?) > 0")
        .pluck()
        .get(VALUES[0]),
    ).toBe(1);
    for (const text of texts) for (const value of VALUES) expect(text).not.toContain(value);
    expect(renderMarkdown(week)).toContain("STRIPE\\_API\\_KEY");
  });

  it("flags a Fargate task definition with secrets and awslogs but no execution role", () => {
    expect(task("fargate-no-execution-role")).toEqual([
      expect.objectContaining({
        taskDefinition: "billing-export:1",
        roleArn: roleArn("billing-ecsTaskExecutionRole"),
        names: ["export: secrets", "export: awslogs"],
      }),
    ]);
  });

  it("predicts ECS Exec failing on checkout from the task role's grants, and says unknown for search", () => {
    expect(task("ecs-exec-without-channels")).toEqual([
      expect.objectContaining({
        service: "checkout",
        taskDefinition: "checkout:8",
        roleArn: roleArn("checkout-task-role"),
        names: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
      }),
    ]);
    // The 10:31 denial of CreateControlChannel is the failure predicted.
    expect(role(roleArn("checkout-task-role")).denied.map((d) => d.action)).toContain(
      "ssmmessages:CreateControlChannel",
    );
    expect(week.tasks.unknown).toEqual([expect.stringContaining("ECS Exec on service search")]);
  });

  it("flags grants in the wrong role from the policy model's granted set", () => {
    // The worker's image pull granted to its task role (written as `ecr:*`, not 40 actions).
    expect(actionsOf(role(roleArn("worker-task-role")), "task-role-launch-permissions")).toEqual([
      "ecr:*",
      "logs:CreateLogStream",
    ]);
    // search's table on its execution role.
    expect(actionsOf(role(roleArn("search-runtime")), "execution-role-app-permissions")).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query"]),
    );
  });

  it("keeps task findings to the role asked for", () => {
    const billing = leastPrivilegeReport(
      createStore(db),
      { from: "2026-11-10", to: "2026-11-16", role: roleArn("ecsTaskExecutionRole") },
      NOW,
    );
    expect(billing.tasks.findings.map((f) => f.code)).toEqual(["plaintext-secret-env"]);
    expect(billing.tasks.unknown).toEqual([]);
  });
});

describe("the deciding statement in the report", () => {
  const denied = (arn: string, action: string): DeniedAction => {
    const d = role(arn).denied.find((x) => x.action === action);
    if (!d) throw new Error(`no denial of ${action}`);
    return d;
  };

  it("names the policy and Sid that decided each denial group's latest denial, and whether the fix was verified", () => {
    const thumbs = denied(roleArn("service-role/thumbnailer-lambda-role"), "s3:PutObject");
    expect(thumbs.model).toMatchObject({
      decision: "explicitly-denied",
      decidedBy: {
        layer: "resource",
        policyArn: "arn:aws:s3:::acme-thumbnails",
        sid: "DenyUnencryptedUploads",
        index: 1,
      },
      agreement: "agrees",
    });
    // No allow is proposed against the bucket's explicit deny, so there is no fix to verify.
    expect(thumbs.model?.verified).toBeNull();
    // The SCP denial's fix (the SCP's exemption with the caller's own grant) is verified in the model.
    const acl = denied(roleArn("billing-ecsTaskExecutionRole"), "s3:PutObjectAcl");
    expect(acl.model?.verified).toBe("allowed");
    const exec = denied(roleArn("checkout-task-role"), "ssmmessages:CreateControlChannel");
    expect(exec.model).toMatchObject({ decision: "implicitly-denied", decidedBy: null });
    expect(exec.model?.summary).toBe("no statement allows it in the identity policy");
    expect(exec.lastEventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shows it escaped in Markdown and HTML", () => {
    const acl = denied(roleArn("billing-ecsTaskExecutionRole"), "s3:PutObjectAcl");
    expect(renderMarkdown(week)).toContain(`${escapeMarkdown(acl.model?.summary ?? "-")}; fix: allowed |`);
    expect(renderHtml(week)).toContain('<span class="small">fix: allowed</span>');
    expect(renderHtml(week)).toContain(
      "explicit deny in an S3 bucket policy (arn:aws:s3:::acme-thumbnails) (Sid DenyUnencryptedUploads)",
    );
    const hostile = {
      ...week,
      groups: week.groups.map((g) => ({
        ...g,
        roles: g.roles.map((r) => ({
          ...r,
          denied: r.denied.map((d) =>
            d.model ? { ...d, model: { ...d.model, summary: "<img src=x onerror=alert(1)> | *x*" } } : d,
          ),
        })),
      })),
    };
    const html = renderHtml(hostile);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const md = renderMarkdown(hostile);
    // Markdown escapes the tag's bracket (shown as text) and the cell's pipe.
    expect(md).not.toMatch(/[^\\]<img src=x/);
    expect(md).toContain("\\<img src=x onerror=alert(1)\\> \\\\| \\*x\\*");
  });
});
