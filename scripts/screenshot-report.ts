/**
 * Renders the scenario trail's HTML report and screenshots it in headless Chromium at desktop and phone widths,
 * so a person can look at it: `npx tsx scripts/screenshot-report.ts [outDir]`. Prints the paths written.
 * Exits 3 (and says so) when /usr/bin/chromium is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { leastPrivilegeReport, renderReport } from "../src/report/report.usecases.js";
import { ingestPaths, runStages } from "../test/support/ingest.js";

const CHROMIUM = "/usr/bin/chromium";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const scenario = join(root, "examples/scenario");

export async function screenshotScenarioReport(outDir: string): Promise<{ html: string; shots: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const db = openDb({ path: ":memory:" });
  await ingestPaths(db, [scenario]);
  await runStages(db);
  // The scenario is one day, 2026-11-16: a week ending that day.
  const report = leastPrivilegeReport(
    createStore(db),
    { from: "2026-11-10", to: "2026-11-16" },
    Date.parse("2026-11-17T00:00:00Z"),
  );
  db.$client.close();
  const html = join(outDir, "report.html");
  writeFileSync(html, renderReport(report, "html"));
  const shots: string[] = [];
  for (const [name, size] of [
    ["desktop", "1280,2400"],
    ["phone", "390,2400"],
  ] as const) {
    const profile = mkdtempSync(join(tmpdir(), "deniedby-chromium-"));
    const shot = join(outDir, `report-${name}.png`);
    try {
      execFileSync(
        CHROMIUM,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-sync",
          "--hide-scrollbars",
          `--user-data-dir=${profile}`,
          `--screenshot=${shot}`,
          `--window-size=${size}`,
          `file://${html}`,
        ],
        { stdio: "ignore", timeout: 60_000 },
      );
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
    shots.push(shot);
  }
  return { html, shots };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`screenshot-report: ${CHROMIUM} not found; apt-get install -y chromium\n`);
    process.exit(3);
  }
  const out = resolve(process.argv[2] ?? join(root, "data/report-screenshots"));
  const { html, shots } = await screenshotScenarioReport(out);
  process.stdout.write(`${[html, ...shots].join("\n")}\n`);
}
