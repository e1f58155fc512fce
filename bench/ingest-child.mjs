// One `deniedby ingest DIR` in its own process, run by plain node on the compiled code (npm run bench builds
// first), so that its peak RSS is the ingest's own (worker threads included): loading tsx alone added ~60 MB.
// The command prints its JSON summary on stdout; this adds one JSON line of measures.
import { readFileSync } from "node:fs";

const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) throw new Error("usage: ingest-child.mjs DIR DB");
const { ingestCommand } = await import(new URL("../dist/cli/ingest.command.js", import.meta.url).href);

/** CPU seconds of this process's main thread so far (Linux: its /proc stat, in clock ticks of 1/100 s). */
function mainThreadCpuSeconds() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const started = process.hrtime.bigint();
const code = await ingestCommand(["--db", dbPath, "--format", "json", dir]);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({
    code,
    seconds,
    maxRssKb: usage.maxRSS,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    mainCpuSeconds: mainThreadCpuSeconds(),
  })}\n`,
);
