import type { Incident } from "../incidents/incidents.schemas.js";
import { createIncidentUsecases } from "../incidents/incidents.usecases.js";
import { systemClock } from "../shared/clock.js";
import { TIME_FORMS } from "../shared/time.js";
import { LISTING_PARAMS, type ListingFlag, runListingCommand } from "./listing-command.js";
import { formatTable } from "./output.js";

const USAGE =
  "usage: deniedby incidents [--db PATH] [--since T] [--until T] [--role ARN] [--kind K] [--action A] [--account ID]\n" +
  "       [--session NAME|TASK-ID|TASK-ARN] [--task-definition FAMILY[:REV]|ARN] [--service NAME|ARN]\n" +
  "       [--cluster NAME|ARN] [--text TEXT] [--include-noise] [--limit N] [--cursor C] [--format table|json]\n" +
  "Denials grouped by role, action, resource pattern and denying policy, most recent first, with the latest\n" +
  "explanation's fix. The filters are GET /v1/incidents's, checked by the same schema.\n" +
  `  T: ${TIME_FORMS}\n` +
  "  --text: a case-insensitive substring of the message, resource, action or role, taken literally\n";

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
export function incidentsCommand(argv: string[]): Promise<number> {
  return runListingCommand("incidents", USAGE, {
    argv,
    flags: (Object.keys(LISTING_PARAMS) as ListingFlag[]).filter((flag) => flag !== "incident"),
    listing: {
      page: ({ db, explanations, query }) => {
        const page = createIncidentUsecases({ db, explanations, clock: systemClock }).list(query);
        return { items: page.incidents, nextCursor: page.nextCursor };
      },
      table: incidentTable,
    },
  });
}
