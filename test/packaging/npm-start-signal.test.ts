import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/db.js";

const root = resolve(import.meta.dirname, "../..");
const built = existsSync(join(root, "dist", "index.js"));

/*
 * `npm start` runs the start script in a shell; without `exec` the shell stayed between npm and node, and SIGTERM
 * to npm ended npm and the shell but left the server running, orphaned. npm forwards the signal to its child, so
 * the child must be node itself. Needs dist/ (npm install builds it); prestart is skipped (--ignore-scripts) so the
 * test does not compile.
 */
/** The pids below `pid` (its children, theirs, …). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map(Number);
  } catch {
    // ps exits 1 when there are none.
  }
  return children.flatMap((c) => [c, ...processTree(c)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!built)("npm start and SIGTERM", () => {
  it("stops the server gracefully when npm gets SIGTERM, leaving no process behind", async () => {
    const npm = spawn("npm", ["start", "--ignore-scripts"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: "0",
        DENIEDBY_DB: join(tempDir(), "start.db"),
        DENIEDBY_EXAMPLES: "off",
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const listening = new Promise<void>((ok) => {
      npm.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("deniedby listening")) ok();
      });
    });
    npm.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((ok) => npm.on("exit", (code) => ok(code)));
    await listening;
    const descendants = processTree(npm.pid ?? 0);
    expect(descendants.length).toBeGreaterThan(0);
    npm.kill("SIGTERM");
    const code = await exited;
    await new Promise((r) => setTimeout(r, 200));
    const left = descendants.filter(alive);
    // A server left behind by a failure is stopped here, not by the next test run.
    for (const pid of left) process.kill(pid, "SIGTERM");
    expect(output).toContain('"signal":"SIGTERM"');
    expect(output).toContain("deniedby stopped");
    expect(code).toBe(0);
    // Every process npm started is gone too.
    expect(left).toEqual([]);
  }, 60_000);
});
