import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportCommand } from "./report.command.js";

describe("deniedby report", () => {
  it("exits 2 on bad usage and 1 without a database", async () => {
    expect(await reportCommand(["--format", "pdf", "--db", ":memory:"])).toBe(2);
    expect(await reportCommand(["--from", "2026-11-17", "--to", "2026-11-16", "--db", ":memory:"])).toBe(2);
    expect(await reportCommand(["--bogus"])).toBe(2);
    expect(await reportCommand(["--db", "/nonexistent/deniedby.db"])).toBe(1);
  });

  it("writes the chosen format to --out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deniedby-report-"));
    try {
      const out = join(dir, "r.html");
      expect(await reportCommand(["--db", ":memory:", "--format", "html", "--out", out])).toBe(0);
      expect(existsSync(out)).toBe(true);
      expect(readFileSync(out, "utf8")).toContain("<!doctype html>");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
