/**
 * The part of Slack's Block Kit deniedby uses, as types, and a structural validator of the rules we rely on.
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

export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface HeaderBlock {
  type: "header";
  text: PlainText;
}
export interface SectionBlock {
  type: "section";
  text?: TextObject;
  fields?: TextObject[];
}
export interface ContextBlock {
  type: "context";
  elements: TextObject[];
}
export interface DividerBlock {
  type: "divider";
}
export interface ButtonElement {
  type: "button";
  text: PlainText;
  action_id: string;
  url?: string;
  value?: string;
}
export interface ActionsBlock {
  type: "actions";
  elements: ButtonElement[];
}
export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

/** A message body as incoming webhooks and slash-command responses take it. */
export interface SlackMessage {
  /** Fallback for notifications and clients without Block Kit; mrkdwn-escaped like block text. */
  text: string;
  blocks: Block[];
  response_type?: "ephemeral" | "in_channel";
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const BLOCK_TYPES = new Set(["header", "section", "context", "divider", "actions"]);

/**
 * Checks a message against the Block Kit rules deniedby relies on. Takes `unknown` so it also guards values built
 * elsewhere; returns every issue found (empty when the message is valid).
 */
export function checkMessage(message: unknown): BlockKitIssue[] {
  const issues: BlockKitIssue[] = [];
  const issue = (path: string, rule: string, detail: string): void => {
    issues.push({ path, rule, detail });
  };
  let total = 0;

  const text = (value: unknown, path: string, opts: { max?: number; plainOnly?: boolean } = {}): void => {
    if (!isObject(value)) {
      issue(path, "text.not_object", "a text object is required");
      return;
    }
    if (value.type !== "plain_text" && value.type !== "mrkdwn") {
      issue(path, "text.invalid_type", `type must be plain_text or mrkdwn, not ${String(value.type)}`);
      return;
    }
    if (opts.plainOnly && value.type !== "plain_text")
      issue(path, "text.must_be_plain", "this text must be plain_text");
    if (typeof value.text !== "string" || value.text.length === 0) {
      issue(path, "text.empty", "text must be a non-empty string");
      return;
    }
    total += value.text.length;
    if (opts.max !== undefined && value.text.length > opts.max)
      issue(path, "text.too_long", `${value.text.length} characters, limit ${opts.max}`);
    if (value.type === "mrkdwn") {
      const at = unescapedAt(value.text);
      if (at !== -1)
        issue(path, "mrkdwn.unescaped", `unescaped '${value.text[at] ?? ""}' (write &amp; &lt; &gt;)`);
    }
  };

  if (!isObject(message)) return [{ path: "", rule: "message.not_object", detail: "not an object" }];
  if (typeof message.text !== "string" || message.text.length === 0)
    issue("text", "message.no_fallback_text", "a fallback text is required for notifications");
  else if (unescapedAt(message.text) !== -1)
    issue("text", "mrkdwn.unescaped", "the fallback text holds an unescaped &, < or >");
  if (
    message.response_type !== undefined &&
    message.response_type !== "ephemeral" &&
    message.response_type !== "in_channel"
  )
    issue("response_type", "message.invalid_response_type", "ephemeral or in_channel");
  const blocks = message.blocks;
  if (!Array.isArray(blocks)) {
    issue("blocks", "message.no_blocks", "blocks must be an array");
    return issues;
  }
  if (blocks.length === 0) issue("blocks", "message.no_blocks", "at least one block");
  if (blocks.length > blockKitLimits.blocks)
    issue("blocks", "message.too_many_blocks", `${blocks.length} blocks, limit ${blockKitLimits.blocks}`);

  blocks.forEach((block: unknown, i) => {
    const at = `blocks[${i}]`;
    if (!isObject(block) || typeof block.type !== "string" || !BLOCK_TYPES.has(block.type)) {
      issue(at, "block.invalid_type", `unknown block type ${isObject(block) ? String(block.type) : ""}`);
      return;
    }
    switch (block.type) {
      case "header":
        text(block.text, `${at}.text`, { max: blockKitLimits.headerText, plainOnly: true });
        break;
      case "section": {
        if (block.text === undefined && block.fields === undefined)
          issue(at, "section.empty", "a section needs text or fields");
        if (block.text !== undefined) text(block.text, `${at}.text`, { max: blockKitLimits.sectionText });
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0)
            issue(`${at}.fields`, "section.fields_empty", "fields must be a non-empty array");
          else {
            if (block.fields.length > blockKitLimits.sectionFields)
              issue(
                `${at}.fields`,
                "section.too_many_fields",
                `${block.fields.length} fields, limit ${blockKitLimits.sectionFields}`,
              );
            block.fields.forEach((f: unknown, j) => {
              text(f, `${at}.fields[${j}]`, { max: blockKitLimits.fieldText });
            });
          }
        }
        break;
      }
      case "context": {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0)
          issue(`${at}.elements`, "context.empty", "a context needs elements");
        else {
          if (elements.length > blockKitLimits.contextElements)
            issue(
              `${at}.elements`,
              "context.too_many_elements",
              `${elements.length} elements, limit ${blockKitLimits.contextElements}`,
            );
          elements.forEach((e: unknown, j) => {
            text(e, `${at}.elements[${j}]`);
          });
        }
        break;
      }
      case "actions": {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) {
          issue(`${at}.elements`, "actions.empty", "an actions block needs elements");
          break;
        }
        if (elements.length > blockKitLimits.actionsElements)
          issue(`${at}.elements`, "actions.too_many_elements", `limit ${blockKitLimits.actionsElements}`);
        elements.forEach((e: unknown, j) => {
          const p = `${at}.elements[${j}]`;
          if (!isObject(e) || e.type !== "button") {
            issue(p, "actions.invalid_element", "only buttons are used");
            return;
          }
          text(e.text, `${p}.text`, { max: blockKitLimits.buttonText, plainOnly: true });
          if (typeof e.action_id !== "string" || e.action_id.length > blockKitLimits.actionId)
            issue(p, "button.invalid_action_id", "action_id is required, at most 255 characters");
          if (e.url !== undefined && (typeof e.url !== "string" || e.url.length > blockKitLimits.buttonUrl))
            issue(p, "button.invalid_url", `url is at most ${blockKitLimits.buttonUrl} characters`);
          if (
            e.value !== undefined &&
            (typeof e.value !== "string" || e.value.length > blockKitLimits.buttonValue)
          )
            issue(p, "button.invalid_value", `value is at most ${blockKitLimits.buttonValue} characters`);
        });
        break;
      }
      default:
        break;
    }
  });
  if (total > blockKitLimits.totalText)
    issue(
      "blocks",
      "message.too_much_text",
      `${total} characters of text, budget ${blockKitLimits.totalText}`,
    );
  return issues;
}
