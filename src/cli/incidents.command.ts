import { DenialQuery } from "../denials/denials.schemas.js";
import type { Incident } from "../incidents/incidents.schemas.js";
import { createIncidentUsecases } from "../incidents/incidents.usecases.js";
import { analysePendingDenials } from "../pipeline/analyse-denials.js";
import { createExplanations } from "../pipeline/explanations.js";
import { systemClock } from "../shared/clock.js";
import { InvalidInputError } from "../shared/errors.js";
import { TIME_FORMS } from "../shared/time.js";
import { chosenFormat, commandStore, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";
import { formatTable } from "./output.js";

const USAGE =
  "usage: deniedby incidents [--db PATH] [--since T] [--until T] [--role ARN] [--kind K] [--action A] [--account ID]\n" +
  "       [--session NAME|TASK-ID|TASK-ARN] [--task-definition FAMILY[:REV]|ARN] [--service NAME|ARN]\n" +
  "       [--cluster NAME|ARN] [--text TEXT] [--include-noise] [--limit N] [--cursor C] [--format table|json]\n" +
  "Denials grouped by role, action, resource pattern and denying policy, most recent first, with the latest\n" +
  "explanation's fix. The filters are GET /v1/incidents's, checked by the same schema.\n" +
  `  T: ${TIME_FORMS}\n` +
  "  --text: a case-insensitive substring of the message, resource, action or role, taken literally\n";

/** Each flag and the API parameter it is checked as. */
const PARAMS = {
  since: "since",
  until: "until",
  role: "roleArn",
  kind: "kind",
  action: "action",
  account: "account",
  session: "session",
  "task-definition": "taskDefinition",
  service: "service",
  cluster: "cluster",
  text: "q",
  limit: "limit",
  cursor: "cursor",
} as const;

const options = {
  db: { type: "string" },
  format: { type: "string" },
  "include-noise": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...Object.fromEntries(Object.keys(PARAMS).map((flag) => [flag, { type: "string" as const }])),
} as const;

/** The flags as the API's query, or the message that names the first bad flag. */
function queryOf(values: Record<string, unknown>): DenialQuery | string {
  const given: Record<string, unknown> = Object.fromEntries(
    Object.entries(PARAMS).flatMap(([flag, param]) =>
      values[flag] === undefined ? [] : [[param, values[flag]]],
    ),
  );
  if (values["include-noise"] === true) given.includeNoise = "true";
  const parsed = DenialQuery.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag = Object.entries(PARAMS).find(([, param]) => param === issue?.path[0])?.[0] ?? "?";
  return `--${flag}: ${issue?.message ?? "invalid"}`;
}

/** One line per incident (formatTable makes trail text safe for a terminal). */
function incidentTable(list: Incident[]): string {
  const rows = list.map((i) => [
    i.lastSeen.replace(/\.\d+Z$/, "Z"),
    String(i.count),
    (i.roleArn ?? i.principalArn).split("/").at(-1) ?? "",
    i.action,
    i.resourcePattern || "-",
    i.deniedBy,
    i.latest ? `${i.latest.fix.target} ${Math.round(i.latest.fix.confidence * 100)}%` : "",
    i.id,
  ]);
  return `${formatTable(["LAST SEEN", "COUNT", "ROLE/PRINCIPAL", "ACTION", "RESOURCE", "DENIED BY", "FIX TARGET", "ID"], rows)}\n`;
}

/** `deniedby incidents`: stored denials grouped into incidents, filtered as the API filters them. */
export async function incidentsCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("incidents", USAGE, { args: argv, options });
  if (typeof parsed === "number") return parsed;
  const format = chosenFormat("incidents", USAGE, parsed.values.format as string | undefined, [
    "table",
    "json",
  ]);
  if (typeof format === "number") return format;
  const query = queryOf(parsed.values);
  if (typeof query === "string") return usageFailure("incidents", USAGE, query);
  const db = openStoredDb("incidents", parsed.values.db as string | undefined);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    await analysePendingDenials(store);
    const explanations = createExplanations(store);
    const page = createIncidentUsecases({ db, explanations, clock: systemClock }).list(query);
    if (format === "json") for (const i of page.incidents) process.stdout.write(`${JSON.stringify(i)}\n`);
    else {
      process.stdout.write(incidentTable(page.incidents));
      if (page.nextCursor) process.stdout.write(`\nmore: --cursor ${page.nextCursor}\n`);
    }
    return 0;
  } catch (error) {
    // A cursor this command did not print is the one input only the store can judge.
    if (error instanceof InvalidInputError) return usageFailure("incidents", USAGE, error.message);
    throw error;
  } finally {
    db.$client.close();
  }
}
