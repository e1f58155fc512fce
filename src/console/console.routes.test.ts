import { beforeAll, describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { loadScenario } from "../../test/support/scenario.js";
import { getDenial } from "../db/denials.repository.js";
import { clockAt } from "../shared/clock.js";

/** The console's pages through app.request: content, escaping of trail text, query validation, and sign-in. */

const TOKEN = "console-test-token-0123456789";
const EVIL_ROLE = `evil"><img src=x onerror=alert(1)>`;
const EVIL = {
  eventVersion: "1.10",
  eventID: "evil-<script>alert(0)</script>",
  eventTime: "2026-11-16T13:00:00Z",
  eventSource: "s3.amazonaws.com",
  eventName: "GetObject",
  awsRegion: "eu-west-1",
  recipientAccountId: "111122223333",
  sourceIPAddress: "203.0.113.9",
  userAgent: "<script>alert(3)</script>",
  errorCode: "AccessDenied",
  errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${EVIL_ROLE}/<script>alert(1)</script> is not authorized to perform: s3:GetObject on resource: "><img src=x onerror=alert(2)> because no identity-based policy allows the s3:GetObject action`,
  userIdentity: {
    type: "AssumedRole",
    arn: `arn:aws:sts::111122223333:assumed-role/${EVIL_ROLE}/<script>alert(1)</script>`,
    accountId: "111122223333",
    sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::111122223333:role/${EVIL_ROLE}` } },
  },
  requestParameters: { bucketName: "<b>*bold*</b> <!channel>", key: "<script>alert(4)</script>" },
};

/** No markup from the trail survives as markup. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script>alert/);
  expect(html).not.toMatch(/<img src=x/);
  expect(html).not.toContain("<b>*bold*</b>");
  expect(html).not.toContain("<!channel>");
}

describe("console pages, no token", () => {
  const { app, deps } = testApp();
  let eventId = "";
  beforeAll(async () => {
    await loadScenario(deps.db);
    const pushed = await app.request("/v1/events", postJson(EVIL));
    expect(pushed.status).toBe(200);
    eventId = EVIL.eventID;
    expect(getDenial(deps.db, eventId)).toBeDefined();
  });

  it("lists incidents newest first with kind, counts, times and a sparkline, under a strict CSP", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style|style="/);
    expect(html).toMatch(/<span class="kind k-ecs-task-execution">/);
    expect(html).toMatch(
      /<time datetime="2026-11-16T\d\d:\d\d:\d\d.\d{3}Z" title="[^"]+">2026-11-16 \d\d:\d\d UTC<\/time>/,
    );
    // The sparkline ends at the newest denial's hour, and every incident of that day has a bar in it.
    expect(html).toContain("the sparklines show the 24 hours up to 2026-11-16 16:00 UTC");
    expect(html).toMatch(
      /<svg class="spark"[^>]*aria-label="1 denial in these 24 hours, by hour"><line[^>]*><\/line><rect /,
    );
    expectInert(html);
    expect(html).toContain("evil&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("filters by kind, account, action and noise from the query string", async () => {
    const html = await (await app.request("/?kind=ecs-task-execution&window=all")).text();
    const kinds = [...html.matchAll(/<span class="kind k-([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(kinds.length).toBeGreaterThan(2);
    expect(new Set(kinds)).toEqual(new Set(["ecs-task-execution"]));
    expect(html).toContain('<option value="ecs-task-execution" selected="">');
    const s3 = await (await app.request("/?action=s3:GetObject")).text();
    expect(s3).toContain("s3:GetObject");
    expect(s3).not.toContain("ecr:BatchGetImage");
    const none = await (await app.request("/?window=1h")).text();
    expect(none).toContain("No incidents match these filters.");
  });

  it("answers unknown, repeated or invalid parameters with a 400 page naming them", async () => {
    for (const [url, text] of [
      ["/?bogus=1", "bogus: not a parameter of this page"],
      ["/?kind=<script>alert(1)</script>", "kind:"],
      ["/?kind=ecs-task&kind=lambda", "kind: given more than once"],
      ["/?cursor=nonsense", "cursor:"],
      ["/report?from=2026-02-30", "from"],
      [`/denials/${encodeURIComponent(eventId)}?x=1`, "x: not a parameter"],
    ] as const) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      const html = await res.text();
      expect(html, url).toContain(text);
      expect(html, url).not.toContain("<script>alert");
    }
  });

  it("shows one denial top to bottom: what, whom to change and why, the fix with copy buttons, caveats, the raw record", async () => {
    const html = await (await app.request(`/denials/${encodeURIComponent(eventId)}`)).text();
    const order = [
      "What was denied",
      "What to change",
      "The fix",
      "Caveats",
      "The raw CloudTrail record",
    ].map((h) => html.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toMatch(
      /<button type="button" class="btn" data-copy="fix-policy"[^>]*hidden="">Copy<\/button>/,
    );
    expect(html).toContain('<pre id="fix-policy">');
    // The fix as infrastructure code, behind the fix, escaped like every other block.
    expect(html).toContain("<details><summary>As infrastructure code (Terraform, CloudFormation, CDK)");
    expect(html).toMatch(/<pre id="fix-terraform">data &quot;aws_iam_policy_document&quot;/);
    expect(html).toContain('<pre id="fix-cdk">');
    expect(html).toContain("<details><summary>The raw CloudTrail record");
    expect(html).toContain(`href="/incidents/`);
    expect(html).toContain(`href="/roles?arn=`);
    expectInert(html);
    expect(html).toContain("&lt;script&gt;alert(4)&lt;/script&gt;");
  });

  it("shows what the policy model says: the SCP's deciding statement and its trace; for an unseen role, what it lacks", async () => {
    const scpDenial = "b1591239-da94-4bfe-ac32-d6ce040b7280";
    const html = await (await app.request(`/denials/${scpDenial}`)).text();
    const model = html.slice(html.indexOf("What the policy model says"), html.indexOf("What to change"));
    expect(model).toContain("<code>DenyPublicAcls</code> in service control policy");
    expect(model).toContain("attached to <code>ou-ab12-workload1</code>");
    expect(model).toMatch(/<summary>Evaluation trace \(\d+ steps\)<\/summary>/);
    expect(model).toContain("<code>identity: no-allow</code>");
    // The SCP's change and the role's own grant, verified together (the model finds the identity policy lacking).
    expect(html).toContain("<strong>Verified in the policy model:</strong> allowed");
    expect(html).toContain("Two changes. First: An organization policy denied the call.");
    const evil = await (await app.request(`/denials/${encodeURIComponent(eventId)}`)).text();
    expect(evil).toContain("What the model does not know");
    expect(evil).toContain("was never imported or seen in the trail");
    expectInert(evil);
  });

  it("shows what a role is and why, its sessions, usage, denials and the report's recommendation", async () => {
    const arn = "arn:aws:iam::111122223333:role/ecsTaskExecutionRole";
    const html = await (await app.request(`/roles?arn=${encodeURIComponent(arn)}`)).text();
    expect(html).toContain("What deniedby thinks it is, and why");
    expect(html).toMatch(/<code>task-definition.execution-role<\/code>/);
    expect(html).toMatch(/<td data-label="Weight" class="n">0\.\d\d<\/td>/);
    expect(html).toContain('id="sessions"');
    expect(html).toContain('id="usage"');
    expect(html).toContain("logs:CreateLogStream");
    expect(html).toContain("The report&#39;s recommendation, 2026-11-13 to 2026-11-19");
    expect(html).toContain("Recommended policy");
    const evil = await app.request(
      `/roles?arn=${encodeURIComponent(`arn:aws:iam::111122223333:role/${EVIL_ROLE}`)}`,
    );
    expect(evil.status).toBe(200);
    expectInert(await evil.text());
    expect((await app.request("/roles?arn=arn:aws:iam::111122223333:role/nobody")).status).toBe(404);
  });

  it("serves the report with contents and a filter by kind and role", async () => {
    const all = await (await app.request("/report")).text();
    expect(all).toContain('<nav aria-labelledby="contents">');
    expect(all).toContain("Showing 35 of 35 roles.");
    expectInert(all);
    const tasks = await (await app.request("/report?kind=ecs-task")).text();
    expect([...tasks.matchAll(/<h2 id="kind-([a-z0-9_-]+)">/g)].map((m) => m[1])).toEqual(["ecs-task"]);
    const one = await (await app.request("/report?role=REPORTS-role")).text();
    expect([...one.matchAll(/<section class="role" id="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "role-arn:aws:iam::111122223333:role_reports-role",
    ]);
  });

  it("searches by event id, role name, session ARN and pasted message", async () => {
    const byId = await app.request(`/search?q=${encodeURIComponent(eventId)}`);
    expect(byId.status).toBe(303);
    expect(byId.headers.get("location")).toBe(`/denials/${encodeURIComponent(eventId)}`);
    const byName = await app.request("/search?q=reports-role");
    expect(byName.headers.get("location")).toBe(
      `/roles?arn=${encodeURIComponent("arn:aws:iam::111122223333:role/reports-role")}`,
    );
    const bySession = await app.request(
      `/search?q=${encodeURIComponent("arn:aws:sts::111122223333:assumed-role/reports-role/abc123")}`,
    );
    expect(bySession.headers.get("location")).toBe(byName.headers.get("location"));
    const message =
      "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::111122223333:assumed-role/checkout-execution-role/t1 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:111122223333:secret:x because no identity-based policy allows the secretsmanager:GetSecretValue action";
    const parsed = await app.request(`/search?q=${encodeURIComponent(message)}`);
    expect(parsed.status).toBe(200);
    const html = await parsed.text();
    expect(html).toContain("<code>secretsmanager:GetSecretValue</code>");
    expect(html).toContain("<code>arn:aws:secretsmanager:eu-west-1:111122223333:secret:x</code>");
    expect(html).toContain("an identity-based policy of the caller");
    expect(html).toContain(
      `href="/roles?arn=${encodeURIComponent("arn:aws:iam::111122223333:role/ecs/checkout-execution-role")}"`,
    );
    const evil = await app.request(`/search?q=${encodeURIComponent(EVIL.errorMessage)}`);
    expectInert(await evil.text());
    expect((await app.request("/search?q=no-such-thing")).status).toBe(404);
  });

  it("serves its stylesheet and script, and needs no sign-in without a token", async () => {
    const css = await app.request("/assets/console.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(await css.text()).toContain("prefers-color-scheme:dark");
    const js = await app.request("/assets/console.js");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(await js.text()).toContain("prefers-reduced-motion");
    expect((await app.request("/sign-in")).status).toBe(303);
    expect((await app.request("/")).headers.get("set-cookie")).toBeNull();
  });
});

describe("console pages with DENIEDBY_API_TOKEN set", () => {
  let now = Date.parse("2026-11-20T12:00:00Z");
  const { app, deps } = testApp({ DENIEDBY_API_TOKEN: TOKEN }, { clock: clockAt(() => now) });
  const origin = "http://localhost";
  const signIn = (token: string, headers: Record<string, string> = { origin }) =>
    app.request("/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ token, next: "/report?kind=lambda" }).toString(),
    });
  const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  beforeAll(async () => {
    await loadScenario(deps.db);
  });

  it("sends a reader without a session to the sign-in form, and back after it", async () => {
    for (const path of [
      "/",
      "/report",
      "/roles?arn=arn:aws:iam::111122223333:role/reports-role",
      "/search?q=x",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toMatch(/^\/sign-in/);
    }
    expect((await app.request("/report")).headers.get("location")).toBe("/sign-in?next=%2Freport");
    const form = await app.request("/sign-in?next=%2Freport");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain(
      '<input type="password" name="token"'.replace('type="password" ', ""),
    );
  });

  it("refuses a wrong token without echoing it, and a form from another site", async () => {
    const wrong = await signIn("wrong-token-but-long-enough");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).not.toContain("wrong-token-but-long-enough");
    expect((await signIn(TOKEN, { origin: "https://evil.example" })).status).toBe(403);
    expect((await signIn(TOKEN, {})).status).toBe(403);
  });

  it("sets an HttpOnly, SameSite=Strict session cookie that is not the token, and the pages open with it", async () => {
    const ok = await signIn(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/report?kind=lambda");
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = cookieOf(ok);
    const page = await app.request("/", { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sign out");
    expect(html).not.toContain(TOKEN);
    // The cookie is for the pages only: the API still wants its bearer token.
    expect((await app.request("/v1/denials", { headers: { cookie } })).status).toBe(401);
    const https = await signIn(TOKEN, { origin, "x-forwarded-proto": "https" });
    expect(https.headers.get("set-cookie")).toMatch(/Secure/);
  });

  it("refuses a tampered or expired session and signs out", async () => {
    const cookie = cookieOf(await signIn(TOKEN));
    const [name, value = ""] = cookie.split("=");
    const tampered = `${name}=${value.replace(/^\d/, (d) => String((Number(d) + 1) % 10))}`;
    expect((await app.request("/", { headers: { cookie: tampered } })).status).toBe(303);
    const out = await app.request("/sign-out", { method: "POST", headers: { cookie, origin } });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    now += 13 * 3_600_000;
    expect((await app.request("/", { headers: { cookie } })).status).toBe(303);
  });
});
