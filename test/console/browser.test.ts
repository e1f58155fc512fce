import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server.js";

/**
 * The console in a real browser: the real server on the example scenario (loaded into an empty database, as on a
 * first `npm start`), Debian's headless Chromium driven by playwright-core. Screenshots go to
 * test-output/console/ for a person to look at; axe-core checks each page.
 */

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present)
  console.log(`console browser test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const shots = resolve(import.meta.dirname, "../../test-output/console");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let server: RunningServer;
let context: BrowserContext;
let dir: string;
const cspViolations: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: join(shots, `${name}-${size}.png`), fullPage: false });
    // Nothing runs off the side: long ARNs and keys wrap instead of widening the page past the screen.
    expect(await page.evaluate("document.documentElement.scrollWidth"), `${name} at ${size} width`).toBe(
      viewport.width,
    );
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Serious and critical axe-core violations on the page, as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(
    "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })",
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe.skipIf(!present)("the console in headless Chromium, on the example scenario", () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "deniedby-console-"));
    server = await startServer(
      loadConfig({ PORT: "0", DENIEDBY_DB: join(dir, "deniedby.db"), DENIEDBY_LOG_LEVEL: "silent" }),
    );
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 800 },
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists incidents, filters them by kind, and keeps the filter in the URL", async () => {
    const page = await openPage("/");
    await expect(page.title()).resolves.toBe("Incidents · deniedby");
    expect(await page.locator("#incidents tbody tr").count()).toBeGreaterThan(10);
    await expect(page.locator("#refresh-toggle").getAttribute("aria-pressed")).resolves.toBe("true");
    await screenshot(page, "incidents");
    await page.selectOption("select[name=kind]", "ecs-task-execution");
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/kind=ecs-task-execution/);
    const kinds = await page.locator("#incidents tbody tr .kind").allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    for (const k of kinds) expect(k).toMatch(/^ecs-task-execution/);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("finds incidents by a role name typed in the text filter, keeping it in the URL", async () => {
    const page = await openPage("/");
    const name = (await page.locator("#incidents tbody tr .role-name").first().textContent()) ?? "";
    expect(name).not.toBe("");
    await page.fill("form.filters input[name=q]", name);
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/[?&]q=/);
    const before = await openPage("/");
    const all = await before.locator("#incidents tbody tr").count();
    await before.close();
    const rows = await page.locator("#incidents tbody tr").allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all);
    // The text is in each incident's role, resource or action (all shown in its row), whatever its case.
    for (const r of rows) expect(r.toLowerCase()).toContain(name.toLowerCase());
    await expect(page.inputValue("form.filters input[name=q]")).resolves.toBe(name);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("opens a denial, copies its fix policy, and follows to the role", async () => {
    const page = await openPage("/?kind=ecs-task-execution");
    await page.locator("#incidents tbody tr td:nth-child(2) a").first().click();
    await page.waitForURL(/\/denials\//);
    await expect(page.locator("h1").textContent()).resolves.toMatch(/^Denied: /);
    const policy = await page.locator("#fix-policy").textContent();
    await page.click('button[data-copy="fix-policy"]');
    // Waited for through a locator: a string predicate polled by waitForFunction is evaluated in the page, which
    // the console's Content Security Policy (no unsafe-eval) refuses whenever the first check is not yet true.
    await page.locator('button[data-copy="fix-policy"]', { hasText: /^Copied$/ }).waitFor();
    const copied = await page.evaluate("navigator.clipboard.readText()");
    expect(JSON.parse(String(copied))).toEqual(JSON.parse(policy ?? ""));
    expect(JSON.parse(String(copied)).Statement.length).toBeGreaterThan(0);
    await page.locator("details").last().click();
    await screenshot(page, "denial");
    expect(await axeViolations(page)).toEqual([]);
    await page.click("text=The denied role");
    await page.waitForURL(/\/roles\?arn=/);
    await expect(page.locator("#kinds").textContent()).resolves.toContain("What deniedby thinks it is");
    await screenshot(page, "role");
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the examples' week in the report, filters it by kind, and searches by role name", async () => {
    const page = await openPage("/report");
    await expect(page.locator(".report .note").first().textContent()).resolves.toContain(
      "latest week with data",
    );
    await screenshot(page, "report");
    expect(await axeViolations(page)).toEqual([]);
    await page.selectOption("form.filters select[name=kind]", "ecs-task");
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/kind=ecs-task/);
    const headings = await page.locator("section.role h3").count();
    expect(headings).toBeGreaterThan(0);
    expect(await page.locator("h2[id^=kind-]").allTextContents()).toEqual([
      expect.stringMatching(/^ecs-task /),
    ]);
    await page.fill("#search-q", "reports-role");
    await page.press("#search-q", "Enter");
    await page.waitForURL(/\/roles\?arn=/);
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "role-dark");
    await page.close();
  }, 120_000);

  it("auto-refreshes the incident list in place, keeping its filters, and shows a denial pushed meanwhile", async () => {
    const page = await openPage("/?kind=ecs-task-execution&window=all");
    const firstRow = page.locator("#incidents tbody tr").first();
    const countBefore = Number((await firstRow.locator("td.n").textContent())?.replace(/,/g, ""));
    const denialHref = await firstRow.locator("td:nth-child(2) a").first().getAttribute("href");
    const eventId = decodeURIComponent(String(denialHref).split("/").at(-1) ?? "");
    // The same denial happens again: its raw record, with a new event id and the current time, pushed to the server.
    const detail = (await (
      await fetch(`${server.url}/v1/denials/${encodeURIComponent(eventId)}`)
    ).json()) as {
      raw: Record<string, unknown>;
    };
    const again = { ...detail.raw, eventID: crypto.randomUUID(), eventTime: new Date().toISOString() };
    const pushed = await fetch(`${server.url}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Records: [again] }),
    });
    expect(pushed.status).toBe(200);
    expect(((await pushed.json()) as { accepted: number }).accepted).toBe(1);
    // The refresh asks for the same URL, filters and all; turning auto-refresh off and on refreshes at once.
    const refreshes: string[] = [];
    page.on("request", (r) => {
      if (r.headers()["x-deniedby-refresh"] === "1") refreshes.push(r.url());
    });
    await page.click("#refresh-toggle");
    await expect(page.locator("#refresh-toggle").getAttribute("aria-pressed")).resolves.toBe("false");
    await page.click("#refresh-toggle");
    await page.locator("#refresh-status", { hasText: /^Updated/ }).waitFor();
    expect(refreshes).toEqual([`${server.url}/?kind=ecs-task-execution&window=all`]);
    expect(page.url()).toBe(`${server.url}/?kind=ecs-task-execution&window=all`);
    await expect(page.locator("select[name=kind]").inputValue()).resolves.toBe("ecs-task-execution");
    const refreshedRow = page.locator("#incidents tbody tr", {
      has: page.locator(`a[href="${denialHref}"]`),
    });
    const updated = page.locator("#incidents tbody tr").first();
    const countAfter = Number((await updated.locator("td.n").textContent())?.replace(/,/g, ""));
    expect(countAfter).toBe(countBefore + 1);
    expect(await refreshedRow.count()).toBe(0); // the incident's latest denial is now the pushed one
    for (const k of await page.locator("#incidents tbody tr .kind").allTextContents())
      expect(k).toMatch(/^ecs-task-execution/);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("loads no inline script or style the Content-Security-Policy would refuse", () => {
    expect(cspViolations).toEqual([]);
  });
});
