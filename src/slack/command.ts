import type { RoleCatalogEntry } from "../classify/kinds.js";
import { parseSessionArn, roleNameOf } from "../cloudtrail/arn.js";
import type { Db } from "../db/client.js";
import { getDenial } from "../db/denials.repository.js";
import type { IncidentRow } from "../db/schema.js";
import { getRoleEntry } from "../pipeline/catalog.js";
import type { PolicyView } from "../policy/index.js";
import {
  explanationLinks,
  kindLabel,
  mrkdwnCode,
  mrkdwnText,
  sectionBlock,
  slackDate,
  textMessage,
} from "./blocks.js";
import { messageForStoredDenial } from "./enrich.js";
import { incidentsOfPrincipal, rolesNamed } from "./slack.repository.js";
import type { Block, SlackMessage } from "./slack.schemas.js";

/** What a slash command asked for, from the form fields Slack sends. */
export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
}

export function parseSlashCommand(form: URLSearchParams): SlashCommand {
  return {
    command: form.get("command") ?? "/deniedby",
    text: (form.get("text") ?? "").trim(),
    userId: form.get("user_id") ?? "",
  };
}

const INCIDENTS_PER_ROLE = 5;
const ROLES_SHOWN = 3;

function ephemeral(message: SlackMessage): SlackMessage {
  return { response_type: "ephemeral", ...message };
}

function usage(command: string): SlackMessage {
  return ephemeral(
    textMessage(
      `*Usage:* ${mrkdwnCode(`${command} <event id | role ARN | role name>`, 100)}\n` +
        "• an event id: why that call was denied and what to change\n" +
        "• a role ARN or name: what kind of role it is and its latest denials",
      `Usage: ${command} <event id | role ARN | role name>`,
    ),
  );
}

function incidentLine(i: IncidentRow, publicUrl: string | undefined): string {
  const links = explanationLinks(publicUrl, i.latestEventId, i.id);
  const times = i.count === 1 ? "once" : `${i.count.toLocaleString("en-US")}×`;
  const resource = i.resourcePattern ? ` on ${mrkdwnCode(i.resourcePattern, 300)}` : "";
  const noise = i.noise ? " _(noise)_" : "";
  const more = /^https?:/.test(links.explanation)
    ? ` <${links.explanation}|explain>`
    : ` (${mrkdwnCode(links.explanation, 300)})`;
  return `• ${mrkdwnCode(i.action || "unknown action", 200)}${resource}: ${times}, last ${slackDate(i.lastSeen)}${noise}${more}`;
}

function roleBlocks(
  arn: string,
  entry: RoleCatalogEntry | null,
  incidents: IncidentRow[],
  publicUrl: string | undefined,
): Block[] {
  const name = entry?.roleName ?? roleNameOf(arn);
  const kinds = entry
    ? entry.kinds
        .slice(0, 3)
        .map(
          (k) =>
            `*${mrkdwnText(kindLabel(k.kind), 200)}* (\`${k.kind}\`, ${Math.round(k.confidence * 100)}%)`,
        )
        .join(", ")
    : "_not in the role catalogue_";
  const dual = entry?.dualUse ? "\n:warning: used both as a task role and as a task execution role" : "";
  // Whole lines only, within a section's 3,000 characters: a cut line could break a link.
  let lines = "";
  for (const i of incidents) {
    const line = incidentLine(i, publicUrl);
    if (lines.length + line.length + 40 > 2900) break;
    lines += `${lines ? "\n" : ""}${line}`;
  }
  return [
    { type: "header", text: { type: "plain_text", text: `Role ${name}`.slice(0, 150) } },
    sectionBlock(`${mrkdwnCode(arn, 600)}\n${kinds}${dual}`),
    sectionBlock(`*Latest denials* (by incident):\n${lines || "_no denials stored_"}`),
  ];
}

function roleMessage(
  db: Db,
  entries: { arn: string; entry: RoleCatalogEntry | null }[],
  publicUrl: string | undefined,
): SlackMessage {
  const blocks = entries
    .slice(0, ROLES_SHOWN)
    .flatMap(({ arn, entry }) =>
      roleBlocks(arn, entry, incidentsOfPrincipal(db, arn, INCIDENTS_PER_ROLE), publicUrl),
    );
  const first = entries[0];
  const fallback = first
    ? `${first.entry?.roleName ?? roleNameOf(first.arn)}: ${first.entry ? kindLabel(first.entry.kinds[0]?.kind ?? "unknown") : "not catalogued"}`
    : "no role";
  return ephemeral({ text: mrkdwnText(fallback, 500), blocks });
}

/**
 * Answers `/deniedby <event id | role ARN | role name>` with an ephemeral Block Kit message. Only local SQLite
 * reads by key, so it answers well within Slack's 3 seconds.
 */
export function answerSlashCommand(
  db: Db,
  cmd: SlashCommand,
  publicUrl: string | undefined,
  policies?: PolicyView,
): SlackMessage {
  const q = cmd.text;
  if (!q || q === "help") return usage(cmd.command);

  const denial = getDenial(db, q);
  if (denial) {
    const m = messageForStoredDenial(db, denial, publicUrl, { policies });
    return ephemeral({ text: m.text, blocks: m.blocks });
  }
  if (q.startsWith("arn:")) {
    // A session ARN names its role without the role's path: find the role by account and name.
    const session = parseSessionArn(q);
    if (session) {
      const roles = rolesNamed(db, session.roleName).filter((r) => r.accountId === session.account);
      if (roles.length)
        return roleMessage(
          db,
          roles.map((entry) => ({ arn: entry.roleArn, entry })),
          publicUrl,
        );
    }
    const entry = getRoleEntry(db, q);
    if (entry || incidentsOfPrincipal(db, q, 1).length > 0)
      return roleMessage(db, [{ arn: q, entry }], publicUrl);
  } else {
    const roles = rolesNamed(db, q);
    if (roles.length)
      return roleMessage(
        db,
        roles.map((entry) => ({ arn: entry.roleArn, entry })),
        publicUrl,
      );
  }
  return ephemeral(
    textMessage(
      `Nothing found for ${mrkdwnCode(q, 300)}: it is not the event id of a stored denial, nor a role ARN or role name deniedby has seen.`,
      "Nothing found",
    ),
  );
}
