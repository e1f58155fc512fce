import { parseArgs } from "node:util";
import { AthenaDdlInputError, renderDdl } from "../sources/athena/athena-ddl.js";
import { loadQueries } from "../sources/athena/athena-queries.js";
import { out, UsageError } from "./output.js";

export const athenaUsage = `usage: deniedby athena ddl --bucket B --account A [--org-id O --account A ...] [--region R ...]
                          [--prefix P] [--table T] [--start YYYY/MM/DD]

Prints the CREATE EXTERNAL TABLE statement for a CloudTrail trail's S3 bucket, with partition projection over
account, region and delivery date, for deniedby's Athena source. Run it once in the Athena console or with
'aws athena start-query-execution'. For an organisation trail give --org-id and every member account to project.
Regions default to all commercial regions.`;

/** `deniedby athena <subcommand>`: only `ddl` for now. */
export async function athenaCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    out(athenaUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "ddl") throw new UsageError(`unknown subcommand '${sub}'`);
  const { values } = parseArgs({
    args: rest,
    options: {
      bucket: { type: "string" },
      prefix: { type: "string" },
      "org-id": { type: "string" },
      account: { type: "string", multiple: true },
      region: { type: "string", multiple: true },
      table: { type: "string" },
      start: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    out(athenaUsage);
    return 0;
  }
  if (!values.bucket) throw new UsageError("--bucket is required");
  try {
    out(
      renderDdl(loadQueries(), {
        bucket: values.bucket,
        accounts: values.account ?? [],
        ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
        ...(values["org-id"] !== undefined ? { orgId: values["org-id"] } : {}),
        ...(values.region !== undefined ? { regions: values.region } : {}),
        ...(values.table !== undefined ? { table: values.table } : {}),
        ...(values.start !== undefined ? { startDate: values.start } : {}),
      }),
    );
    return 0;
  } catch (error) {
    if (error instanceof AthenaDdlInputError) throw new UsageError(error.message);
    throw error;
  }
}
