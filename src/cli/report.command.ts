import { writeFileSync } from "node:fs";
import { createStore } from "../db/store.js";
import { WindowError } from "../report/report.errors.js";
import { REPORT_FORMATS } from "../report/report.schemas.js";
import { leastPrivilegeReport, renderReport } from "../report/report.usecases.js";
import { chosenFormat, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";

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

const fail = (message: string) => usageFailure("report", USAGE, message);

/** `deniedby report`: prints the least-privilege report. Returns the exit code (2 for bad usage). */
export async function reportCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("report", USAGE, {
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
  });
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const format = chosenFormat("report", USAGE, values.format, REPORT_FORMATS, "md");
  if (typeof format === "number") return format;
  const db = openStoredDb("report", values.db);
  if (db === null) return 1;
  try {
    let text: string;
    try {
      const report = leastPrivilegeReport(
        createStore(db),
        { from: values.from, to: values.to, role: values.role },
        Date.now(),
      );
      if (values.role !== undefined && report.summary.roles === 0) {
        process.stderr.write(`deniedby report: no role ${values.role} in the store\n`);
        return 1;
      }
      text = renderReport(report, format);
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
