import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { screenshotScenarioReport } from "../../scripts/screenshot-report.js";

const chromium = existsSync("/usr/bin/chromium");
if (!chromium)
  console.log("screenshot test skipped: /usr/bin/chromium is not installed (apt-get install -y chromium)");

describe.skipIf(!chromium)("the scenario's HTML report in headless Chromium", () => {
  it("renders to non-empty PNG screenshots at desktop and phone widths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deniedby-shots-"));
    try {
      const { shots } = await screenshotScenarioReport(dir);
      expect(shots).toHaveLength(2);
      for (const s of shots) expect(statSync(s).size).toBeGreaterThan(20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
