import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import {
  leastPrivilegeReport,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
} from "../report/report.service.js";
import { WindowError } from "../report/report.window.js";

const USAGE = `usage: deniedby report [--db PATH] [--from DAY] [--to DAY] [--role ARN] [--format md|html|json] [--out FILE]

The least-privilege report: per role, grouped by kind, what it used and was denied, a recommended policy,
granted-but-unused actions and findings, headed by a comparison with the previous window.
  --db PATH        SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
  --from DAY       first UTC day, inclusive (YYYY-MM-DD; default: 7 days before --to)
  --to DAY         last UTC day, inclusive (default: yesterday, UTC)
  --role ARN       only this role
  --format FORMAT  md (default), html (one self-contained page) or json
  --out FILE       write to FILE instead of standard output
`;

function fail(message: string): number {
  process.stderr.write(`deniedby report: ${message}\n\n${USAGE}`);
  return 2;
}

/** `deniedby report`: prints the least-privilege report. Returns the exit code (2 for bad usage). */
export async function reportCommand(argv: string[]): Promise<number> {
  let values: {
    db?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    role?: string | undefined;
    format?: string | undefined;
    out?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        db: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        role: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = values.format ?? "md";
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    return fail(`--format must be one of ${REPORT_FORMATS.join(", ")}, not ${format}`);
  const path = values.db ?? loadConfig().DENIEDBY_DB;
  if (path !== ":memory:" && !existsSync(path)) {
    process.stderr.write(
      `deniedby report: no database at ${path} (run deniedby ingest first, or pass --db)\n`,
    );
    return 1;
  }
  const db = openDb({ path });
  try {
    let text: string;
    try {
      const report = leastPrivilegeReport(
        db,
        { from: values.from, to: values.to, role: values.role },
        Date.now(),
      );
      if (values.role !== undefined && report.summary.roles === 0) {
        process.stderr.write(`deniedby report: no role ${values.role} in the store\n`);
        return 1;
      }
      text = renderReport(report, format as ReportFormat);
    } catch (error) {
      if (error instanceof WindowError) return fail(`--${error.field}: ${error.message}`);
      throw error;
    }
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    db.$client.close();
  }
}
