import type { RoleKind } from "../classify/kinds.js";
import { roleKinds } from "../classify/kinds.js";
import { roleNameOf } from "../cloudtrail/arn.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { fixTargetLabel } from "../explain/reasons.js";
import { blockKitLimits, escapeMrkdwn } from "./block-kit.js";
import type { Block, ContextBlock, Mrkdwn, SectionBlock, SlackMessage } from "./slack.schemas.js";

/** How often an incident happened, from the store or, for an alert not stored yet, from the alert itself. */
export interface IncidentStats {
  id: string;
  count: number;
  /** Epoch milliseconds. */
  firstSeen: number;
  lastSeen: number;
  /** Where the numbers come from: the stored incident, or only the events in this alert. */
  scope: "stored" | "alert";
}

export interface DenialMessageInput {
  explanation: Explanation;
  incident: IncidentStats | null;
  /** Absolute URLs when DENIEDBY_PUBLIC_URL is set, else API paths. */
  links: { explanation: string; incident: string | null };
  /** Set when the notifier posts an incident again after its quiet period. */
  repeat?: { newSince: number; lastPostedAt: number };
}

/** Room left for the code fence and the cut note inside one section. */
const SECTION_BUDGET = blockKitLimits.sectionText - 50;

/** Cuts escaped mrkdwn to `max` characters without splitting an entity, marking the cut with an ellipsis. */
export function clipEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, max - 1).replace(/&[a-z]{0,3}$/, "");
  return `${cut}…`;
}

/** Escaped, clipped plain text for a mrkdwn field. */
function esc(text: string, max: number = SECTION_BUDGET): string {
  return clipEscaped(escapeMrkdwn(text), max);
}

/** Inline code: a backtick inside would end it early, so it becomes a look-alike. */
function code(text: string, max = 600): string {
  return `\`${esc(text.replace(/`/g, "ˋ"), max)}\``;
}

function mrkdwn(text: string): Mrkdwn {
  return { type: "mrkdwn", text };
}

function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

/** A link Slack renders; the label is escaped, and `|`/`>` in the URL are percent-encoded so it stays one link. */
function link(url: string, label: string): string {
  const safe = url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C").replace(/&/g, "&amp;");
  return /^https?:\/\//.test(url) ? `<${safe}|${esc(label, 200)}>` : `${esc(label, 200)}: ${code(url)}`;
}

/** Slack formats dates in the reader's time zone; the fallback is UTC ISO. */
function slackDate(ms: number): string {
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso}>`;
}

export function kindLabel(kind: RoleKind): string {
  return roleKinds[kind];
}

export function targetLabel(target: Explanation["fix"]["target"]): string {
  return fixTargetLabel(target);
}

function who(e: Explanation): string {
  return e.principal.roleArn ? roleNameOf(e.principal.roleArn) : e.principal.arn;
}

/** What was denied, as IAM names it, or as the event names it when the action is not known. */
function what(e: Explanation): string {
  return e.action ?? `${e.eventSource} ${e.eventName}`;
}

/**
 * A code block holding `body`, escaped, within a section's budget. Longer bodies are cut at a line boundary so
 * the fence is always closed, with a note saying how many lines were cut and where the whole is.
 */
export function codeBlock(
  body: string,
  budget: number,
  whereWhole: string,
): { text: string; cutLines: number } {
  const lines = escapeMrkdwn(body.replace(/`/g, "ˋ")).split("\n");
  const fenced = (kept: string[]) => `\`\`\`\n${kept.join("\n")}\n\`\`\``;
  const whole = fenced(lines);
  if (whole.length <= budget) return { text: whole, cutLines: 0 };
  const kept: string[] = [];
  // The note's own length depends on the number cut; reserve for the longest.
  const noteRoom = 80 + whereWhole.length;
  let used = 8;
  for (const line of lines) {
    if (used + line.length + 1 > budget - noteRoom) break;
    kept.push(line);
    used += line.length + 1;
  }
  const cut = lines.length - kept.length;
  if (kept.length === 0) kept.push(clipEscaped(lines[0] ?? "", budget - noteRoom - 8));
  return {
    text: `${fenced(kept)}\n_${cut} more line${cut === 1 ? "" : "s"} cut to fit Slack; the whole text: ${whereWhole}_`,
    cutLines: cut,
  };
}

/**
 * The policy as pretty-printed JSON within the budget. When it is too long, whole statements are dropped from the
 * end so what is shown still parses; a single statement too long on its own is cut at a line boundary.
 */
export function policyCodeBlock(
  policy: Explanation["fix"]["policy"],
  budget: number,
  whereWhole: string,
): { text: string; cutLines: number; droppedStatements: number } | null {
  if (!policy) return null;
  const full = codeBlock(JSON.stringify(policy, null, 2), budget, whereWhole);
  if (full.cutLines === 0) return { ...full, droppedStatements: 0 };
  const doc = policy;
  const statements = doc.Statement;
  for (let keep = statements.length - 1; keep >= 1; keep--) {
    const dropped = statements.length - keep;
    const note = `\n_${dropped} more statement${dropped === 1 ? "" : "s"} not shown to fit Slack; the whole policy: ${whereWhole}_`;
    const partial = codeBlock(
      JSON.stringify({ ...doc, Statement: statements.slice(0, keep) }, null, 2),
      budget - note.length,
      whereWhole,
    );
    if (partial.cutLines === 0)
      return { text: `${partial.text}${note}`, cutLines: 0, droppedStatements: dropped };
  }
  return { ...full, droppedStatements: 0 };
}

function headline(e: Explanation): SectionBlock {
  const kind = e.principal.kind;
  const confidence = Math.round(e.principal.confidence * 100);
  const on = e.resource ? ` on ${code(e.resource)}` : "";
  const by =
    e.deniedBy === "unknown"
      ? ""
      : ` (${e.explicitDeny ? "explicit deny" : "no allow"} in the ${esc(e.deniedBy, 40)} policy${e.policyArn ? ` ${code(e.policyArn)}` : ""})`;
  const principal = e.principal.roleArn ?? e.principal.arn;
  return section(
    `*${esc(who(e), 300)}* was denied ${code(what(e), 200)}${on}${by}\n` +
      `${code(principal)}: *${esc(kindLabel(kind), 200)}* (kind \`${kind}\`${kind === "unknown" ? "" : `, ${confidence}% sure`})`,
  );
}

/** One line: the statement the policy model finds deciding (or where nothing allows it), and whether it agrees. */
function modelLine(v: NonNullable<Explanation["evaluation"]>, verified: string | null): ContextBlock {
  const caveat =
    v.agreement === "disagrees"
      ? " _(the model is incomplete; the message wins)_"
      : v.unknowns.length > 0 && v.decision !== "unknown"
        ? ` _(${v.unknowns.length} unknown${v.unknowns.length === 1 ? "" : "s"})_`
        : "";
  const elements = [mrkdwn(`*Policy model:* ${esc(v.summary, 600)}${caveat}`)];
  if (verified) elements.push(mrkdwn(`*Fix verified:* ${esc(verified, 600)}`));
  return { type: "context", elements };
}

function fixFields(e: Explanation): SectionBlock {
  const fields: Mrkdwn[] = [
    mrkdwn(`*Fix target*\n${esc(targetLabel(e.fix.target), 1500)} (\`${e.fix.target}\`)`),
    mrkdwn(`*Change*\n${e.fix.roleArn ? code(e.fix.roleArn, 1500) : "_no role: see the fix_"}`),
    mrkdwn(`*Confidence*\n${Math.round(e.fix.confidence * 100)}%`),
    mrkdwn(`*Event*\n${code(`${e.eventSource} ${e.eventName}`, 500)}\n${code(e.eventId, 100)}`),
  ];
  return { type: "section", fields };
}

function incidentContext(input: DenialMessageInput): ContextBlock {
  const { incident, explanation: e } = input;
  const elements: Mrkdwn[] = [];
  if (incident) {
    const times = incident.count === 1 ? "once" : `${incident.count.toLocaleString("en-US")} times`;
    elements.push(
      mrkdwn(
        `*Incident* \`${esc(incident.id, 100)}\`: ${times}${incident.scope === "alert" ? " in this alert (not stored yet)" : ""}`,
      ),
      mrkdwn(`first seen ${slackDate(incident.firstSeen)}, last seen ${slackDate(incident.lastSeen)}`),
    );
  } else elements.push(mrkdwn(`*Incident* \`${esc(e.incidentId, 100)}\``));
  if (e.noise && e.noiseReason) elements.push(mrkdwn(`_Noise: ${esc(e.noiseReason.text, 500)}_`));
  return { type: "context", elements };
}

/**
 * The Block Kit message for one denial and its incident: headline (who was denied what, and the role kind), the
 * fix target, the policy statement, the ECS console text for launch failures, the
 * incident's count and first/last seen, and a link back to the full explanation. Pure.
 */
export function buildDenialMessage(input: DenialMessageInput): SlackMessage {
  const e = input.explanation;
  const blocks: Block[] = [];
  const title = input.repeat
    ? `Still denied: ${who(e)} → ${what(e)}`
    : `Access denied: ${who(e)} → ${what(e)}`;
  blocks.push({
    type: "header",
    text: {
      type: "plain_text",
      text:
        title.length > blockKitLimits.headerText
          ? `${title.slice(0, blockKitLimits.headerText - 1)}…`
          : title,
    },
  });
  if (input.repeat)
    blocks.push(
      section(
        `_${input.repeat.newSince.toLocaleString("en-US")} more since the last post (${slackDate(input.repeat.lastPostedAt)})._`,
      ),
    );
  // The headline and the fix fields say what the one-sentence summary says; it stays the notification text only.
  blocks.push(headline(e));
  if (e.evaluation) blocks.push(modelLine(e.evaluation, e.fix.verified));
  blocks.push(fixFields(e));
  if (e.fix.summary) blocks.push(section(`*Fix:* ${esc(e.fix.summary, 1800)}`));

  const whereWhole = link(input.links.explanation, "full explanation");
  const tail: Block[] = [incidentContext(input)];
  const links = [link(input.links.explanation, "Full explanation in deniedby")];
  if (input.links.incident) links.push(link(input.links.incident, "incident"));
  tail.push({ type: "context", elements: [mrkdwn(links.join(" · "))] });

  // Code blocks get what the message's total text budget leaves, the policy first; each stays within a section.
  let room = blockKitLimits.totalText - 300 - textLength([...blocks, ...tail]);
  const consoleTexts = e.fix.consoleTexts.join("\n\n");
  const policyShare = consoleTexts ? Math.floor(room * 0.6) : room;
  const policy = policyCodeBlock(
    e.fix.policy,
    Math.max(400, Math.min(SECTION_BUDGET - 60, policyShare)),
    whereWhole,
  );
  if (policy) {
    const label =
      e.fix.target === "trust-policy"
        ? "Statement for the trust policy"
        : e.fix.target === "resource-policy"
          ? "Statement for the resource policy"
          : "Policy to add";
    const block = section(`*${label}:*\n${policy.text}`);
    blocks.push(block);
    room -= textLength([block]);
  }
  if (consoleTexts) {
    const body = codeBlock(consoleTexts, Math.max(400, Math.min(SECTION_BUDGET - 60, room)), whereWhole);
    blocks.push(section(`*What the ECS console shows for this failure:*\n${body.text}`));
  }
  blocks.push(...tail);
  return { text: esc(e.summary, 1000), blocks };
}

/** Characters of text in blocks, as Slack counts them towards the total. */
export function textLength(blocks: Block[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === "header") n += b.text.text.length;
    else if (b.type === "section") {
      n += b.text?.text.length ?? 0;
      for (const f of b.fields ?? []) n += f.text.length;
    } else if (b.type === "context") for (const el of b.elements) n += el.text.length;
    else if (b.type === "actions") for (const el of b.elements) n += el.text.text.length;
  }
  return n;
}

/**
 * The console pages (absolute when a public URL is configured) of a denial's explanation and its incident: links a
 * person opens in a browser, so pages that sign them in, not the token-protected JSON API.
 */
export function explanationLinks(
  publicUrl: string | undefined,
  eventId: string,
  incidentId: string | null,
): DenialMessageInput["links"] {
  const base = publicUrl ? publicUrl.replace(/\/+$/, "") : "";
  return {
    explanation: `${base}/denials/${encodeURIComponent(eventId)}`,
    incident: incidentId ? `${base}/incidents/${encodeURIComponent(incidentId)}` : null,
  };
}

/** A short message (one section) for answers that are not a denial: help, nothing found, errors. */
export function textMessage(text: string, fallback: string): SlackMessage {
  return { text: esc(fallback, 1000), blocks: [section(text)] };
}

export { code as mrkdwnCode, esc as mrkdwnText, section as sectionBlock, slackDate };
