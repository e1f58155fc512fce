import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { pushedDenial as denial } from "../../test/support/push.js";
import { openDb } from "../db/client.js";
import { quarantineCommand } from "./quarantine.command.js";

let path: string;
let stdout: string[];
let stderr: string[];
beforeEach(() => {
  path = join(tempDir(), "q.db");
  const db = openDb({ path });
  const insert = db.$client.prepare(
    "INSERT INTO quarantine (source, location, position, reason, detail, raw) VALUES (?, 'trail.json', ?, ?, 'then', ?)",
  );
  insert.run("files", "line 1", "json.invalid", JSON.stringify(denial(1)));
  insert.run("files", "line 2", "json.invalid", `{"eventName": "\u001b[31mred", `);
  insert.run("push", "record 0", "record.missing_event_id", JSON.stringify(denial(2)));
  db.$client.close();
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => stdout.push(String(s)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation((s) => stderr.push(String(s)) > 0);
});
afterEach(() => vi.restoreAllMocks());

const run = (...args: string[]) => quarantineCommand([...args, "--db", path]);
const rows = () => {
  const db = openDb({ path });
  try {
    return db.$client.prepare("SELECT id FROM quarantine ORDER BY id").pluck().all();
  } finally {
    db.$client.close();
  }
};

describe("deniedby quarantine", () => {
  it("lists newest first (json lines with a next cursor), filters, and shows one row in full, escaped", async () => {
    expect(await run("list", "--format", "json", "--limit", "2")).toBe(0);
    const lines = stdout
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id ?? "cursor")).toEqual([3, 2, "cursor"]);
    stdout.length = 0;
    expect(await run("list", "--format", "json", "--cursor", String(lines[2]?.nextCursor))).toBe(0);
    expect(
      stdout
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual([1]);
    stdout.length = 0;
    expect(await run("list", "--source", "push")).toBe(0);
    expect(stdout.join("")).toContain("record.missing_event_id");
    expect(stdout.join("")).not.toContain("json.invalid");
    stdout.length = 0;
    expect(await run("show", "2")).toBe(0);
    const shown = stdout.join("");
    expect(shown).toContain("reason: json.invalid");
    expect(shown).toContain('{"eventName": "');
    expect(shown).not.toContain("\u001b");
  });

  it("retries: stores what now parses, removes those rows, exits 1 while a retried row is still rejected", async () => {
    expect(await run("retry", "--format", "json")).toBe(1);
    const result = JSON.parse(stdout.join(""));
    expect(result).toMatchObject({ retried: 3, resolved: 2, stored: { denials: 2 } });
    expect(result.stillRejected).toEqual([{ id: 2, reason: "json.invalid", detail: expect.any(String) }]);
    expect(rows()).toEqual([2]);
    const db = openDb({ path });
    // The stages ran after storing: the stored denials are analysed.
    expect(db.$client.prepare("SELECT count(*) FROM denials WHERE action IS NOT NULL").pluck().get()).toBe(2);
    db.$client.close();
  });

  it("exits 0 when every row retried is stored, 1 for a row that does not exist, 2 on a wrong command line", async () => {
    expect(await run("retry", "--reason", "record.missing_event_id")).toBe(0);
    expect(rows()).toEqual([1, 2]);
    expect(await run("show", "99")).toBe(1);
    expect(await run("retry", "99")).toBe(1);
    expect(await run("frobnicate")).toBe(2);
    expect(await run("show")).toBe(2);
    expect(await run("list", "--limit", "0")).toBe(2);
    expect(await run("list", "--cursor", "nonsense")).toBe(2);
    expect(await run("show", "1", "--source", "files")).toBe(2);
    expect(await quarantineCommand(["list", "--db", join(tempDir(), "missing.db")])).toBe(1);
    expect(rows()).toEqual([1, 2]);
  });
});
