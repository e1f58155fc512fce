import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { labels, loadScenario } from "../../test/support/slack-scenario.js";
import type { Db } from "../db/client.js";
import { getDenial } from "../db/denials.repository.js";
import { type DenialRow, denials } from "../db/schema.js";
import type { Explanation } from "../explain/explain.js";
import { lazyCatalogLookup as catalogLookup } from "../pipeline/catalog.js";
import { explainStoredDenial } from "../pipeline/explanations.js";
import { blockKitLimits, checkMessage, unescapeMrkdwn } from "./block-kit.js";
import { buildDenialMessage, explanationLinks } from "./blocks.js";
import { messageForStoredDenial } from "./enrich.js";
import type { Block, SectionBlock, SlackMessage } from "./slack.schemas.js";

const PUBLIC = "https://deniedby.example.com";
let db: Db;

beforeAll(async () => {
  db = memoryDb();
  await loadScenario(db);
});

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b: Block) =>
    b.type === "section" ? [b.text?.text ?? "", ...(b.fields ?? []).map((f) => f.text)] : [],
  );
}

function allText(message: SlackMessage): string {
  return message.blocks
    .map((b) =>
      b.type === "header"
        ? b.text.text
        : b.type === "context"
          ? b.elements.map((e) => e.text).join(" ")
          : b.type === "section"
            ? [b.text?.text ?? "", ...(b.fields ?? []).map((f) => f.text)].join(" ")
            : "",
    )
    .join("\n");
}

/** The section holding the policy, its code block unescaped, and what follows the block. */
function policySection(message: SlackMessage): { json: string; after: string } | null {
  const text = sectionTexts(message).find((t) => /^\*(Policy to add|Statement for the)/.test(t));
  if (!text) return null;
  const m = /```\n([\s\S]*?)\n```([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`policy section without a closed code block: ${text}`);
  return { json: unescapeMrkdwn(m[1] ?? ""), after: m[2] ?? "" };
}

const ECS_LAUNCH = new Set([
  "ecs-image-pull",
  "ecs-image-pull-instance",
  "ecs-launch-secrets",
  "ecs-launch-logs",
  "ecs-launch-kms",
]);

describe("Block Kit messages for every denial of the scenario trail", () => {
  it("are valid Block Kit and carry headline, explanation, fix target, policy, console text and incident", () => {
    // Each stored denial with its raw record (kept in denial_raw), as the API reads it.
    const rows = db
      .select({ id: denials.eventId })
      .from(denials)
      .all()
      .map((r) => getDenial(db, r.id))
      .filter((r): r is DenialRow => r !== undefined);
    expect(rows.length).toBeGreaterThanOrEqual(Object.keys(labels.denials).length);
    const targets = new Set<string>();
    let withPolicy = 0;
    let withConsole = 0;
    for (const row of rows) {
      const e = explainStoredDenial(row, catalogLookup(db));
      const message = messageForStoredDenial(db, row, PUBLIC);
      const where = `${row.eventId} (${e.action}, ${e.fix.target})`;
      expect(checkMessage(message), where).toEqual([]);
      targets.add(e.fix.target);

      const header = message.blocks[0];
      expect(header?.type, where).toBe("header");
      const text = unescapeMrkdwn(allText(message));
      // Headline: who, what, and the role kind.
      const who = e.principal.roleArn ? e.principal.roleArn.split("/").at(-1) : e.principal.arn;
      expect(header?.type === "header" && header.text.text, where).toContain(who ?? "");
      expect(text, where).toContain(e.action ?? e.eventName);
      expect(text, where).toContain(`kind \`${e.principal.kind}\``);
      // The one-sentence explanation is the notification text only: the headline and the fix fields say it in the
      // message, which no longer repeats it. The fix target is there.
      expect(unescapeMrkdwn(message.text), where).toContain(e.summary.slice(0, 200));
      expect(text, where).not.toContain(e.summary.slice(0, 200));
      expect(text, where).not.toContain("*Why:*");
      expect(text, where).toContain(`(\`${e.fix.target}\`)`);
      const label = labels.denials[row.eventId];
      if (label) expect(e.fix.target, where).toBe(label.fixTarget);
      // The incident's count and first/last seen, and the link back.
      expect(text, where).toMatch(/\*Incident\* `[^`]+`: (once|[\d,]+ times)/);
      expect(text, where).toMatch(/first seen <!date\^\d+\^.*last seen <!date\^\d+\^/);
      expect(text, where).toContain(`<${PUBLIC}/denials/${row.eventId}|Full explanation in deniedby>`);
      expect(text, where).toContain(`${PUBLIC}/incidents/${e.incidentId}|incident>`);
      // The policy: valid JSON, equal to the fix's policy, or cut with a note.
      const policy = policySection(message);
      if (e.fix.policy) {
        withPolicy++;
        expect(policy, where).not.toBeNull();
        if (policy && !/cut to fit Slack|not shown to fit Slack/.test(policy.after))
          expect(JSON.parse(policy.json), where).toEqual(e.fix.policy);
      } else expect(policy, where).toBeNull();
      // The console text for ECS launch failures.
      if (ECS_LAUNCH.has(e.fix.reason)) {
        withConsole++;
        expect(text, where).toContain("What the ECS console shows");
        expect(text, where).toMatch(/CannotPullContainerError|ResourceInitializationError/);
      }
      if (e.fix.consoleTexts.length === 0) expect(text, where).not.toContain("What the ECS console shows");
    }
    // The scenario covers the kinds the message has to handle.
    expect(withPolicy).toBeGreaterThan(10);
    expect(withConsole).toBeGreaterThanOrEqual(5);
    expect(targets.size).toBeGreaterThanOrEqual(12);
  });
});

function sample(eventId: string): Explanation {
  const row = getDenial(db, eventId);
  if (!row) throw new Error(`scenario denial ${eventId} missing`);
  return explainStoredDenial(row, catalogLookup(db));
}

function firstPolicyDenial(): Explanation {
  for (const id of Object.keys(labels.denials)) {
    const e = sample(id);
    if (e.fix.policy && e.fix.consoleTexts.length > 0) return e;
  }
  throw new Error("no scenario denial with a policy and console text");
}

function render(e: Explanation): SlackMessage {
  return buildDenialMessage({
    explanation: e,
    incident: {
      id: e.incidentId,
      count: 1234,
      firstSeen: 1_700_000_000_000,
      lastSeen: 1_700_000_360_000,
      scope: "stored",
    },
    links: explanationLinks(PUBLIC, e.eventId, e.incidentId),
  });
}

describe("long policies", () => {
  it("drop whole statements so what is shown still parses, and say how many and where the whole is", () => {
    const base = firstPolicyDenial();
    const statements = Array.from({ length: 60 }, (_, i) => ({
      Sid: `Grant${i}`,
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: `arn:aws:s3:::bucket-${i}/prefix/*`,
    }));
    const e = {
      ...base,
      fix: { ...base.fix, policy: { Version: "2012-10-17", Statement: statements } },
    } as Explanation;
    const message = render(e);
    expect(checkMessage(message)).toEqual([]);
    const policy = policySection(message);
    const shown = JSON.parse(policy?.json ?? "") as { Statement: unknown[] };
    expect(shown.Statement.length).toBeGreaterThan(0);
    expect(shown.Statement.length).toBeLessThan(60);
    expect(shown.Statement).toEqual(statements.slice(0, shown.Statement.length));
    expect(policy?.after).toContain(`${60 - shown.Statement.length} more statements not shown to fit Slack`);
    expect(policy?.after).toContain(`<${PUBLIC}/denials/${e.eventId}|full explanation>`);
  });

  it("cut one huge statement at a line boundary with the code block closed and the lines counted", () => {
    const base = firstPolicyDenial();
    const resources = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket/very/long/prefix/${i}/*`);
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: resources }],
    };
    const e = { ...base, fix: { ...base.fix, policy } } as Explanation;
    const message = render(e);
    expect(checkMessage(message)).toEqual([]);
    const section = policySection(message);
    const pretty = JSON.stringify(policy, null, 2).split("\n");
    const shownLines = (section?.json ?? "").split("\n");
    // Whole lines only, the first ones, and the note counts the rest.
    expect(shownLines).toEqual(pretty.slice(0, shownLines.length));
    expect(section?.after).toContain(`${pretty.length - shownLines.length} more lines cut to fit Slack`);
    for (const b of message.blocks)
      if (b.type === "section") expect((b as SectionBlock).text?.text.length ?? 0).toBeLessThanOrEqual(3000);
  });

  it("keep the whole message under Slack's total text budget with long console texts and summaries", () => {
    const base = firstPolicyDenial();
    const long = "x".repeat(5000);
    const e = {
      ...base,
      summary: long,
      fix: { ...base.fix, summary: long, consoleTexts: [long, long] },
    } as Explanation;
    const message = render(e);
    expect(checkMessage(message)).toEqual([]);
  });
});

describe("escaping", () => {
  it("escapes &, < and > from the trail in every mrkdwn text and keeps code blocks closed", () => {
    const base = firstPolicyDenial();
    const e = {
      ...base,
      resource: "arn:aws:s3:::b/<script>&`x`",
      summary: "a <b> & c",
      fix: { ...base.fix, summary: "d <e> & f", consoleTexts: ["pull access denied for <repository> & ```"] },
    } as Explanation;
    const message = render(e);
    expect(checkMessage(message)).toEqual([]);
    const text = allText(message);
    expect(text).toContain("&lt;script&gt;&amp;");
    // The summary is the notification text (escaped too); the fix's summary is in the message.
    expect(message.text).toBe("a &lt;b&gt; &amp; c");
    expect(text).toContain("d &lt;e&gt; &amp; f");
    // Three backticks in the trail would close the code block early.
    const consoleSection = sectionTexts(message).find((t) => t.startsWith("*What the ECS console"));
    expect(consoleSection?.match(/```/g)).toHaveLength(2);
  });
});

describe("repeat posts", () => {
  it("say how many denials came since the last post", () => {
    const e = firstPolicyDenial();
    const message = buildDenialMessage({
      explanation: e,
      incident: null,
      links: explanationLinks(undefined, e.eventId, null),
      repeat: { newSince: 1500, lastPostedAt: 1_700_000_000_000 },
    });
    expect(checkMessage(message)).toEqual([]);
    expect(message.blocks[0]?.type === "header" && message.blocks[0].text.text).toMatch(/^Still denied: /);
    expect(allText(message)).toContain("1,500 more since the last post");
    // Without a public URL the link is the console page's path.
    expect(allText(message)).toContain(`\`/denials/${e.eventId}\``);
  });
});

describe("checkMessage", () => {
  const ok = (blocks: unknown[]) => ({ text: "fallback", blocks });
  const rules = (m: unknown) => checkMessage(m).map((i) => i.rule);
  const mr = (text: string) => ({ type: "mrkdwn", text });

  it("accepts a small valid message", () => {
    expect(
      rules(ok([{ type: "section", text: mr("hi <https://x.example|link> &amp; <!date^1^{time}|t>") }])),
    ).toEqual([]);
  });
  it("enforces 50 blocks", () => {
    const many = Array.from({ length: blockKitLimits.blocks + 1 }, () => ({ type: "divider" }));
    expect(rules(ok(many))).toContain("message.too_many_blocks");
    expect(rules(ok(many.slice(1)))).toEqual([]);
  });
  it("enforces 3,000 characters a section", () => {
    expect(rules(ok([{ type: "section", text: mr("a".repeat(3001)) }]))).toContain("text.too_long");
    expect(rules(ok([{ type: "section", text: mr("a".repeat(3000)) }]))).toEqual([]);
  });
  it("enforces header plain_text of at most 150 characters", () => {
    expect(rules(ok([{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }]))).toContain(
      "text.too_long",
    );
    expect(rules(ok([{ type: "header", text: mr("h") }]))).toContain("text.must_be_plain");
  });
  it("enforces 10 context elements and 10 fields of 2,000 characters", () => {
    expect(rules(ok([{ type: "context", elements: Array.from({ length: 11 }, () => mr("c")) }]))).toContain(
      "context.too_many_elements",
    );
    expect(rules(ok([{ type: "section", fields: Array.from({ length: 11 }, () => mr("f")) }]))).toContain(
      "section.too_many_fields",
    );
    expect(rules(ok([{ type: "section", fields: [mr("f".repeat(2001))] }]))).toContain("text.too_long");
  });
  it("finds unescaped &, < and > in mrkdwn but not in plain_text", () => {
    for (const bad of ["a & b", "a < b", "a > b", "<script>"])
      expect(rules(ok([{ type: "section", text: mr(bad) }])), bad).toContain("mrkdwn.unescaped");
    expect(rules(ok([{ type: "section", text: { type: "plain_text", text: "a < b & c" } }]))).toEqual([]);
    expect(rules({ text: "a < b", blocks: [{ type: "divider" }] })).toContain("mrkdwn.unescaped");
  });
  it("rejects unknown block types, empty sections and a missing fallback text", () => {
    expect(rules(ok([{ type: "table" }]))).toContain("block.invalid_type");
    // Names every object inherits are not block types either.
    for (const type of ["constructor", "toString", "__proto__"])
      expect(rules(ok([{ type }])), type).toContain("block.invalid_type");
    expect(rules(ok([{ type: "section" }]))).toContain("section.empty");
    expect(rules({ blocks: [{ type: "divider" }] })).toContain("message.no_fallback_text");
  });
});
