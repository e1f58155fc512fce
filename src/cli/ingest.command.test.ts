import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { captureOutput } from "../../test/support/output.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { runCli } from "./run-cli.js";

const output = captureOutput();

const record = (n: number) => makeRecord({ eventId: uuidFor(n, 9), eventTime: "2026-11-16T10:00:00Z" });

describe("deniedby ingest", () => {
  it("exits 0 and prints a JSON summary when everything was stored", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.json"), JSON.stringify({ Records: [record(1), record(2)] }));
    const code = await runCli(["ingest", "--db", join(dir, "x.db"), "--format", "json", dir]);
    expect(code).toBe(0);
    const summary = JSON.parse(output.stdout);
    expect(summary).toMatchObject({
      files: { read: 1, skipped: 0 },
      events: 2,
      duplicates: 0,
      rejected: { total: 0 },
    });
  });

  it("exits 1 after storing the rest when some input was rejected, naming file, line and reason", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "a.jsonl"),
      `${JSON.stringify(record(1))}\n{oops\n${JSON.stringify(record(2))}\n`,
    );
    const code = await runCli(["ingest", "--db", join(dir, "x.db"), dir]);
    expect(code).toBe(1);
    expect(output.stderr).toContain(`${join(dir, "a.jsonl")} (line 2): json.invalid`);
    expect(output.stdout).toMatch(/events: 2 /);
    expect(output.stdout).toMatch(/rejected: 1\n {2}json\.invalid: 1/);
    // A line that is not JSON may have held any number of records.
    expect(output.stdout).toContain("records the rejects span: 0 (and 1 rejected of unknown extent)\n");
  });

  it("exits 2 on usage errors", async () => {
    const dir = tempDir();
    expect(await runCli(["ingest", "--db", join(dir, "x.db")])).toBe(2);
    expect(output.stderr).toContain("no input");
    expect(await runCli(["ingest", "--db", join(dir, "x.db"), join(dir, "missing.json")])).toBe(2);
    expect(output.stderr).toContain("no such file or directory");
    expect(await runCli(["ingest", "--format", "yaml", dir])).toBe(2);
    expect(await runCli(["ingest", "--no-such-flag", dir])).toBe(2);
    expect(await runCli(["frobnicate"])).toBe(2);
  });
});
