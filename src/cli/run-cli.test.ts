import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "./run-cli.js";

afterEach(() => vi.restoreAllMocks());

describe("deniedby --version", () => {
  it("prints the package's version for --version, -v and version, and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => printed.push(String(s)) > 0);
    for (const flag of ["--version", "-v", "version"]) expect(await runCli([flag])).toBe(0);
    expect(printed).toEqual(Array(3).fill(`deniedby ${version}\n`));
  });
});
