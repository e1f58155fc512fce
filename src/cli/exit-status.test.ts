import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { ConfigError } from "../config.js";
import { openDb } from "../db/client.js";
import { LookupEventsError } from "../sources/lookup-events/lookup-events.errors.js";
import { exitStatus, failureOf, logCrash } from "./exit-status.js";
import { UsageError } from "./output.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("exit statuses", () => {
  it("says a full database disk in one line naming the database and what to do, exit 3", () => {
    const path = join(tempDir(), "full.db");
    const db = openDb({ path });
    db.$client.pragma("max_page_count = 64");
    const full = thrown(() => {
      const insert = db.$client.prepare(
        "INSERT INTO source_checkpoints (source, key, value) VALUES (?, ?, ?)",
      );
      for (let i = 0; i < 100_000; i++) insert.run("s", `k${i}`, "v".repeat(200));
    });
    db.$client.close();
    expect((full as { code?: string }).code).toBe("SQLITE_FULL");
    const failure = failureOf("ingest", full, path);
    expect(failure.status).toBe(exitStatus.sourceFailed);
    expect(failure.line).toContain(path);
    expect(failure.line).toContain("free space");
    expect(failure.line).not.toContain("\n");
    // The operating system's own word for it (writing to /dev/full gives ENOSPC on Linux).
    const enospc = thrown(() => writeFileSync("/dev/full", "x"));
    expect(failureOf("ingest", enospc, path)).toMatchObject({ status: 3 });
  });

  it("exits 3 when a source fails: AWS, a closed port", async () => {
    const aws = new LookupEventsError(
      "lookup_events.throttled",
      "eu-west-1",
      "ThrottlingException",
      "Rate exceeded",
    );
    expect(failureOf("ingest", aws, "d.db")).toEqual({
      status: 3,
      line: "deniedby ingest: eu-west-1: AWS kept throttling after every retry (CloudTrail LookupEvents): ThrottlingException; run again later, or read fewer regions at once",
    });
    const client = new CloudTrailClient({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9",
      maxAttempts: 1,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    });
    const closed = await client.send(new LookupEventsCommand({})).catch((error: unknown) => error);
    expect(failureOf("ingest", closed, "d.db")).toMatchObject({
      status: exitStatus.sourceFailed,
      line: expect.stringContaining("the endpoint could not be reached"),
    });
  });

  it("exits 2 for usage and configuration, 70 with one line and a log for anything unexpected", () => {
    expect(failureOf("roles", new UsageError("--format must be table or json"), "d.db").status).toBe(2);
    expect(failureOf("roles", new ConfigError(["PORT: too big"]), "d.db").status).toBe(2);
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const failure = failureOf("ingest", bug, "d.db");
    expect(failure.status).toBe(exitStatus.software);
    expect(failure.line).toBe(
      "deniedby ingest: unexpected error: Cannot read properties of undefined (reading 'x')",
    );
    const log = logCrash(bug);
    expect(readFileSync(log, "utf8")).toContain("TypeError: Cannot read properties of undefined");
  });
});
