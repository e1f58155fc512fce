import { availableParallelism } from "node:os";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Config, loadConfig } from "../config.js";
import { openDb, tuneForBulkIngest } from "../db/client.js";
import type { Store } from "../db/store.js";
import { sourceContext } from "../deps.js";
import { IngestSession, type IngestSummary, type RejectionReport } from "../pipeline/ingest-session.js";
import { rejectReasons } from "../pipeline/reject-reasons.js";
import { runStagesAfterStore } from "../pipeline/stages.js";
import { findSource, sourceForPaths, sourceRegistry } from "../sources/registry.js";
import {
  type Source,
  type SourceDefinition,
  SourceOptionError,
  type SourceOptionValues,
} from "../sources/source.js";
import { commandStore } from "./command-line.js";
import { err, formatNumber, out, UsageError } from "./output.js";

export const ingestUsage = `usage: deniedby ingest [--db PATH] [--format text|json] ${sourceRegistry
  .map((d) => d.usage)
  .join("\n       deniedby ingest [--db PATH] [--format text|json] ")}

${sourceRegistry.map((d) => d.help).join("\n")}
Stores denials, role evidence and usage aggregates, then brings the role catalogue and the denial analysis up to
date. Ctrl-C stops a pull cleanly (an Athena query in flight is stopped too).
Exit status: 0 all input stored, 1 some input was rejected (the rest is stored), 2 usage error.`;

/** How many individual rejections are printed before only counting them. */
const MAX_REPORTED = 20;

/** The command line's options: the common ones and every source's own. */
function optionsConfig(): ParseArgsConfig["options"] {
  const options: NonNullable<ParseArgsConfig["options"]> = {
    db: { type: "string" },
    format: { type: "string", default: "text" },
    from: { type: "string" },
    help: { type: "boolean", short: "h" },
  };
  for (const d of sourceRegistry) for (const [name, o] of Object.entries(d.options)) options[name] = { ...o };
  return options;
}

/** The chosen source (by --from, else by the paths), with only its own options given. */
function chosenSource(values: SourceOptionValues, positionals: string[]): SourceDefinition {
  const definition = values.from === undefined ? pathSource(positionals) : findSource(String(values.from));
  if (definition === undefined)
    throw new UsageError(`--from must be one of ${sourceRegistry.map((d) => d.name).join(", ")}`);
  if (!definition.paths && positionals.length > 0)
    throw new UsageError(`--from ${definition.name} takes no paths`);
  const foreign = sourceRegistry
    .flatMap((d) => Object.keys(d.options))
    .filter((name) => values[name] !== undefined && !(name in definition.options));
  if (foreign.length > 0)
    throw new UsageError(`--from ${definition.name} takes no ${foreign.map((n) => `--${n}`).join(", ")}`);
  return definition;
}

/** `deniedby ingest`: reads one source of the registry once, then runs the stages after storing. */
export async function ingestCommand(argv: string[]): Promise<number> {
  // The options are the registry's, known only at run time: their values are read as the sources declare them.
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: optionsConfig(),
  }) as {
    values: SourceOptionValues;
    positionals: string[];
  };
  if (values.help) {
    out(ingestUsage);
    return 0;
  }
  if (values.format !== "text" && values.format !== "json")
    throw new UsageError("--format must be text or json");
  const definition = chosenSource(values, positionals);
  const config = loadConfig();
  // Built before the database is opened: a command line that cannot work must not leave a database behind.
  const sources = sourcesOf(definition, config, positionals, values);
  const db = openDb({ path: typeof values.db === "string" ? values.db : config.DENIEDBY_DB });
  tuneForBulkIngest(db);
  const store = commandStore(db);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  try {
    const summary = await readAll(store, definition.name, sources, {
      signal: controller.signal,
      decodeWorkers: config.DENIEDBY_INGEST_WORKERS ?? availableParallelism(),
      progress: values.format === "text" && process.stderr.isTTY === true,
    });
    await runStagesAfterStore(store);
    if (values.format === "json") out(JSON.stringify(summary));
    else printSummary(summary);
    return summary.rejected.total > 0 ? 1 : 0;
  } finally {
    process.removeListener("SIGINT", onSignal);
    db.$client.close();
  }
}

function pathSource(paths: string[]): SourceDefinition {
  try {
    return sourceForPaths(paths);
  } catch (error) {
    if (error instanceof SourceOptionError) throw new UsageError(error.message);
    throw error;
  }
}

function sourcesOf(
  definition: SourceDefinition,
  config: Config,
  paths: string[],
  values: SourceOptionValues,
): Source[] {
  try {
    return definition.once(sourceContext({ config }), { paths, values });
  } catch (error) {
    if (error instanceof SourceOptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** Reads every source of the run into one session (one summary), saying what each did. */
async function readAll(
  store: Store,
  name: string,
  sources: Source[],
  options: { signal: AbortSignal; progress: boolean; decodeWorkers: number },
): Promise<IngestSummary> {
  const session = new IngestSession({
    store,
    decodeWorkers: options.decodeWorkers,
    source: sources[0]?.name ?? name,
    onReject: rejectionReporter(),
  });
  const progress = createProgress(session.summary, options.progress);
  for (const source of sources) {
    const result = await session.read(source, { signal: options.signal, onChunk: progress.tick });
    if (source.describe) err(source.describe(result));
  }
  progress.done();
  return session.finish();
}

/** Prints the first rejections as they happen; the rest are only counted in the summary. */
function rejectionReporter(): (r: RejectionReport) => void {
  let reported = 0;
  return (r) => {
    if (reported++ < MAX_REPORTED)
      err(`rejected ${r.location}${r.position ? ` (${r.position})` : ""}: ${r.reason}: ${r.detail}`);
    else if (reported === MAX_REPORTED + 1) err("… further rejections are counted in the summary");
  };
}

function printSummary(s: IngestSummary): void {
  const seconds = s.durationMs / 1000;
  out(
    `files: ${formatNumber(s.files.read)} read, ${formatNumber(s.files.skipped)} skipped (already ingested)\n` +
      `events: ${formatNumber(s.events)} (${formatNumber(seconds > 0 ? s.events / seconds : s.events)}/s)\n` +
      `stored: ${formatNumber(s.stored.denials)} denials, ${formatNumber(s.stored.evidence)} evidence, ` +
      `${formatNumber(s.stored.usage)} folded into usage\n` +
      (s.credentialRequests > 0
        ? `credential requests: ${formatNumber(s.credentialRequests)} (ECS agents)\n`
        : "") +
      `duplicates: ${formatNumber(s.duplicates)} (already stored)\n` +
      `rejected: ${formatNumber(s.rejected.total)}`,
  );
  for (const [reason, n] of Object.entries(s.rejected.byReason))
    out(`  ${reason}: ${formatNumber(n)} — ${rejectReasons[reason as keyof typeof rejectReasons]}`);
  const { records, unknown } = s.rejected.spans;
  if (s.rejected.total > 0)
    out(
      `  records the rejects span: ${formatNumber(records)}` +
        (unknown > 0 ? ` (and ${formatNumber(unknown)} rejected of unknown extent)` : ""),
    );
  if (s.ignored > 0) out(`ignored: ${formatNumber(s.ignored)} (CloudWatch Logs control messages)`);
}

/** A live progress line on a terminal; silent in pipes and CI. Redrawn at most 4 times a second. */
function createProgress(summary: IngestSummary, enabled: boolean) {
  const started = Date.now();
  let last = 0;
  const draw = () => {
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `\r\x1b[2K${formatNumber(summary.files.read)} files · ${formatNumber(summary.events)} events · ` +
        `${formatNumber(summary.events / Math.max(seconds, 0.001))} events/s · ` +
        `${formatNumber(summary.stored.denials)} denials`,
    );
  };
  return {
    tick: () => {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      draw();
    },
    done: () => {
      if (enabled) process.stderr.write("\r\x1b[2K");
    },
  };
}
