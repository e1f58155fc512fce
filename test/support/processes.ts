import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { generateRecords } from "./records.js";

/** The repository root: processes run from here with tsx, as `npm run deniedby` does. */
export const repoRoot = resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  consoleUrl: string;
  exited: Promise<number | null>;
  /** Everything the process wrote to standard error so far. */
  stderr: () => string;
}

/** `src/index.ts` as a real process on a free port, resolved once it says where it serves. */
export function startServerProcess(db: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/index.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: "0",
      DENIEDBY_DB: db,
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      // The banner is a log line: stdout carries JSON lines only (a line that is not JSON fails here).
      const lines = out.split("\n").slice(0, -1);
      const msgs = lines.map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
      const banner = /^deniedby is serving (http:\/\/\S+); console: open (\S+) in a browser$/;
      const m = msgs.map((msg) => banner.exec(msg)).find(Boolean);
      if (m?.[1] && m[2]) ok({ child, url: m[1], consoleUrl: m[2], exited, stderr: () => err });
    });
    child.on("exit", (code) => fail(new Error(`server exited early (${code}): ${out}${err}`)));
  });
}

export interface CliRun {
  child: ChildProcess;
  /** Settles once the child has exited and its output is read to the end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `deniedby <args>` as a real process (src/cli.ts through tsx); a variable `env` sets to undefined is unset. */
export function runCliProcess(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  // "close", not "exit": the child's output may still be arriving when it exits, and tests read all of it.
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((r) => child.on("close", (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, exited };
}

/**
 * Writes generated records as JSON lines (see generateRecords for the options); `lineBefore(i)`, when it gives a
 * line, writes it before the i-th record (a broken line among good ones, say).
 */
export async function writeCorpus(
  path: string,
  count: number,
  options: Parameters<typeof generateRecords>[1] = {},
  lineBefore: (index: number) => string | undefined = () => undefined,
): Promise<void> {
  const out = createWriteStream(path);
  let index = 0;
  for (const record of generateRecords(count, options)) {
    const extra = lineBefore(index++);
    if (extra !== undefined) out.write(`${extra}\n`);
    if (!out.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}
