import { loadConfig } from "../config.js";
import { listDenials } from "../db/denial-pages.repository.js";
import { listingFilters } from "../denials/denials.usecases.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { systemClock } from "../shared/clock.js";
import { escapeTerminal } from "../shared/text-escape.js";
import { TIME_FORMS } from "../shared/time.js";
import { LISTING_PARAMS, type ListingFlag, runListingCommand } from "./listing-command.js";

const USAGE =
  "usage: deniedby denials [--db PATH] [--since T] [--until T] [--role ARN] [--kind K] [--action A] [--account ID] [--incident ID]\n" +
  "       [--session NAME|TASK-ID|TASK-ARN] [--task-definition FAMILY[:REV]|ARN] [--service NAME|ARN]\n" +
  "       [--cluster NAME|ARN] [--text TEXT] [--include-noise] [--limit N] [--cursor C] [--format table|json]\n" +
  "The filters are GET /v1/denials's, checked by the same schema.\n" +
  `  T: ${TIME_FORMS}\n` +
  "  --text: a case-insensitive substring of the message, resource, action or role, taken literally\n";

export function defaultDbPath(): string {
  // DENIEDBY_DB through the validated config, like every other command.
  return loadConfig().DENIEDBY_DB;
}

/** A cell for the terminal: control characters made visible (trail text is attacker-controlled), then cut. */
function cut(raw: string, n: number): string {
  const s = escapeTerminal(raw);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** A table for people: one line per denial, then the fix for each when `details`. */
export function formatTable(list: Explanation[], details = false): string {
  const header = ["TIME", "ROLE/PRINCIPAL", "KIND", "ACTION", "RESOURCE", "DENIED BY", "FIX TARGET", "NOISE"];
  const rows = list.map((e) => [
    escapeTerminal(e.eventTime.replace(/\.\d+Z$/, "Z")),
    cut(e.principal.roleArn?.split("/").at(-1) ?? e.principal.arn, 32),
    e.principal.kind,
    cut(e.action ?? "?", 40),
    cut(e.resource ?? "-", 50),
    `${e.deniedBy}${e.explicitDeny ? " (explicit)" : ""}`,
    `${e.fix.target} ${Math.round(e.fix.confidence * 100)}%`,
    e.noiseReason?.code ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    `${r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  let out = line(header) + rows.map(line).join("");
  if (details)
    for (const e of list) {
      const t = escapeTerminal;
      out += `\n${t(e.eventId)}: ${t(e.summary)}\n  ${t(e.fix.summary)}\n`;
      if (e.evaluation) out += `  policy model: ${t(e.evaluation.summary)}\n`;
      for (const u of e.evaluation?.unknowns ?? []) out += `  unknown: ${t(u)}\n`;
      if (e.fix.verified) out += `  fix verified: ${t(e.fix.verified)}\n`;
      for (const c of e.fix.commands) out += `  $ ${t(c)}\n`;
      for (const text of e.fix.consoleTexts) out += `  console: ${t(text)}\n`;
      for (const c of e.caveats) out += `  note: ${t(c.text)}\n`;
    }
  return out;
}

/** `deniedby denials`: stored denials, explained, newest first, filtered as GET /v1/denials filters them. */
export function denialsCommand(argv: string[]): Promise<number> {
  return runListingCommand("denials", USAGE, {
    argv,
    flags: Object.keys(LISTING_PARAMS) as ListingFlag[],
    listing: {
      page: ({ db, explanations, query }) => {
        explanations.sync();
        const page = listDenials(db, listingFilters(db, query, systemClock.now()));
        // In JSON, the explanation exactly as the API serves it, so scripts read both alike.
        return { items: page.denials.map((row) => explanations.explain(row)), nextCursor: page.nextCursor };
      },
      table: (explained) => formatTable(explained),
    },
  });
}
