import { isJsonObject } from "../shared/json.js";
/**
 * A structural validator of the Block Kit rules deniedby relies on (the types are in slack.schemas.ts).
 * Slack answers a message that breaks a limit with `invalid_blocks` and shows nothing, so the route runs every
 * message through `checkMessage` before answering, and the tests run every rendered message through it.
 */

export const blockKitLimits = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  buttonValue: 2000,
  actionId: 255,
  /**
   * Slack also refuses messages whose blocks hold "too much" text in total (`msg_blocks_too_long`), an
   * undocumented limit reported around 13,000 characters (bolt-js#2509); we stay well under it.
   */
  totalText: 12_000,
} as const;

export interface BlockKitIssue {
  /** Where: `blocks[3].text`, `blocks[0].fields[2]`, `text`. */
  path: string;
  /** Stable rule code, e.g. `section.text_too_long`. */
  rule: string;
  detail: string;
}

/** Escapes the three characters Slack's mrkdwn reserves for its own markup (`&`, `<`, `>`). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The inverse of `escapeMrkdwn`, for tests and for measuring what a reader sees. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// Markup Slack means by `<…>` (links, mentions, dates, special mentions) and the three entities. Anything else
// holding `&`, `<` or `>` was not escaped.
const CONTROL = /<(?:https?:\/\/|mailto:|@[UW]|#C|!subteam\^|!date\^|!here|!channel|!everyone)[^<>]*>/g;
const ENTITY = /&(?:amp|lt|gt);/g;

function unescapedAt(text: string): number {
  const stripped = text.replace(CONTROL, "").replace(ENTITY, "");
  return stripped.search(/[&<>]/);
}

/** What the checks of one message share: the issues found and the text counted against the budget. */
interface Checker {
  issues: BlockKitIssue[];
  total: number;
}

function report(c: Checker, path: string, rule: string, detail: string): void {
  c.issues.push({ path, rule, detail });
}

function checkText(
  c: Checker,
  value: unknown,
  path: string,
  opts: { max?: number; plainOnly?: boolean } = {},
): void {
  if (!isJsonObject(value)) {
    report(c, path, "text.not_object", "a text object is required");
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    report(c, path, "text.invalid_type", `type must be plain_text or mrkdwn, not ${String(value.type)}`);
    return;
  }
  if (opts.plainOnly && value.type !== "plain_text")
    report(c, path, "text.must_be_plain", "this text must be plain_text");
  if (typeof value.text !== "string" || value.text.length === 0) {
    report(c, path, "text.empty", "text must be a non-empty string");
    return;
  }
  c.total += value.text.length;
  if (opts.max !== undefined && value.text.length > opts.max)
    report(c, path, "text.too_long", `${value.text.length} characters, limit ${opts.max}`);
  if (value.type === "mrkdwn") {
    const at = unescapedAt(value.text);
    if (at !== -1)
      report(c, path, "mrkdwn.unescaped", `unescaped '${value.text[at] ?? ""}' (write &amp; &lt; &gt;)`);
  }
}

/** A non-empty list of at most `max` elements, or an issue; returns the list when it can be checked further. */
function checkList(
  c: Checker,
  value: unknown,
  path: string,
  rules: { empty: [string, string]; tooMany: string; max: number; noun: string },
): unknown[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    report(c, path, rules.empty[0], rules.empty[1]);
    return null;
  }
  if (value.length > rules.max)
    report(c, path, rules.tooMany, `${value.length} ${rules.noun}, limit ${rules.max}`);
  return value;
}

function checkSection(c: Checker, block: Record<string, unknown>, at: string): void {
  if (block.text === undefined && block.fields === undefined)
    report(c, at, "section.empty", "a section needs text or fields");
  if (block.text !== undefined) checkText(c, block.text, `${at}.text`, { max: blockKitLimits.sectionText });
  if (block.fields === undefined) return;
  const fields = checkList(c, block.fields, `${at}.fields`, {
    empty: ["section.fields_empty", "fields must be a non-empty array"],
    tooMany: "section.too_many_fields",
    max: blockKitLimits.sectionFields,
    noun: "fields",
  });
  fields?.forEach((f, j) => {
    checkText(c, f, `${at}.fields[${j}]`, { max: blockKitLimits.fieldText });
  });
}

function checkContext(c: Checker, block: Record<string, unknown>, at: string): void {
  const elements = checkList(c, block.elements, `${at}.elements`, {
    empty: ["context.empty", "a context needs elements"],
    tooMany: "context.too_many_elements",
    max: blockKitLimits.contextElements,
    noun: "elements",
  });
  elements?.forEach((e, j) => {
    checkText(c, e, `${at}.elements[${j}]`);
  });
}

function checkButton(c: Checker, e: unknown, p: string): void {
  if (!isJsonObject(e) || e.type !== "button") {
    report(c, p, "actions.invalid_element", "only buttons are used");
    return;
  }
  checkText(c, e.text, `${p}.text`, { max: blockKitLimits.buttonText, plainOnly: true });
  if (typeof e.action_id !== "string" || e.action_id.length > blockKitLimits.actionId)
    report(c, p, "button.invalid_action_id", "action_id is required, at most 255 characters");
  if (e.url !== undefined && (typeof e.url !== "string" || e.url.length > blockKitLimits.buttonUrl))
    report(c, p, "button.invalid_url", `url is at most ${blockKitLimits.buttonUrl} characters`);
  if (e.value !== undefined && (typeof e.value !== "string" || e.value.length > blockKitLimits.buttonValue))
    report(c, p, "button.invalid_value", `value is at most ${blockKitLimits.buttonValue} characters`);
}

function checkActions(c: Checker, block: Record<string, unknown>, at: string): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    report(c, `${at}.elements`, "actions.empty", "an actions block needs elements");
    return;
  }
  if (elements.length > blockKitLimits.actionsElements)
    report(c, `${at}.elements`, "actions.too_many_elements", `limit ${blockKitLimits.actionsElements}`);
  elements.forEach((e: unknown, j) => {
    checkButton(c, e, `${at}.elements[${j}]`);
  });
}

/** The checks of each block type deniedby uses; a type missing here is refused. */
const blockChecks: Record<string, (c: Checker, block: Record<string, unknown>, at: string) => void> = {
  header: (c, block, at) =>
    checkText(c, block.text, `${at}.text`, { max: blockKitLimits.headerText, plainOnly: true }),
  section: checkSection,
  context: checkContext,
  actions: checkActions,
  divider: () => {},
};

function checkEnvelope(c: Checker, message: Record<string, unknown>): void {
  if (typeof message.text !== "string" || message.text.length === 0)
    report(c, "text", "message.no_fallback_text", "a fallback text is required for notifications");
  else if (unescapedAt(message.text) !== -1)
    report(c, "text", "mrkdwn.unescaped", "the fallback text holds an unescaped &, < or >");
  if (
    message.response_type !== undefined &&
    message.response_type !== "ephemeral" &&
    message.response_type !== "in_channel"
  )
    report(c, "response_type", "message.invalid_response_type", "ephemeral or in_channel");
}

/**
 * Checks a message against the Block Kit rules deniedby relies on. Takes `unknown` so it also guards values built
 * elsewhere; returns every issue found (empty when the message is valid).
 */
export function checkMessage(message: unknown): BlockKitIssue[] {
  if (!isJsonObject(message)) return [{ path: "", rule: "message.not_object", detail: "not an object" }];
  const c: Checker = { issues: [], total: 0 };
  checkEnvelope(c, message);
  const blocks = message.blocks;
  if (!Array.isArray(blocks)) {
    report(c, "blocks", "message.no_blocks", "blocks must be an array");
    return c.issues;
  }
  if (blocks.length === 0) report(c, "blocks", "message.no_blocks", "at least one block");
  if (blocks.length > blockKitLimits.blocks)
    report(c, "blocks", "message.too_many_blocks", `${blocks.length} blocks, limit ${blockKitLimits.blocks}`);
  blocks.forEach((block: unknown, i) => {
    const at = `blocks[${i}]`;
    // Own properties only: a block typed "constructor" must not find Object.prototype's.
    const check =
      isJsonObject(block) && typeof block.type === "string" && Object.hasOwn(blockChecks, block.type)
        ? blockChecks[block.type]
        : undefined;
    if (!isJsonObject(block) || !check) {
      report(
        c,
        at,
        "block.invalid_type",
        `unknown block type ${isJsonObject(block) ? String(block.type) : ""}`,
      );
      return;
    }
    check(c, block, at);
  });
  if (c.total > blockKitLimits.totalText)
    report(
      c,
      "blocks",
      "message.too_much_text",
      `${c.total} characters of text, budget ${blockKitLimits.totalText}`,
    );
  return c.issues;
}
