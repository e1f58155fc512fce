import { z } from "@hono/zod-openapi";

/**
 * The part of Slack's Block Kit deniedby sends, defined once: the renderers build these types, the routes serve and
 * document them, and block-kit.ts checks Slack's limits on them before anything is answered or posted.
 */

export const PlainText = z.object({
  type: z.literal("plain_text"),
  text: z.string(),
  emoji: z.boolean().optional(),
});
export type PlainText = z.infer<typeof PlainText>;

export const Mrkdwn = z.object({ type: z.literal("mrkdwn"), text: z.string() });
export type Mrkdwn = z.infer<typeof Mrkdwn>;

export const TextObject = z.union([PlainText, Mrkdwn]);
export type TextObject = z.infer<typeof TextObject>;

export const HeaderBlock = z.object({ type: z.literal("header"), text: PlainText });
export type HeaderBlock = z.infer<typeof HeaderBlock>;

export const SectionBlock = z.object({
  type: z.literal("section"),
  text: TextObject.optional(),
  fields: z.array(TextObject).optional(),
});
export type SectionBlock = z.infer<typeof SectionBlock>;

export const ContextBlock = z.object({ type: z.literal("context"), elements: z.array(TextObject) });
export type ContextBlock = z.infer<typeof ContextBlock>;

export const DividerBlock = z.object({ type: z.literal("divider") });
export type DividerBlock = z.infer<typeof DividerBlock>;

export const ButtonElement = z.object({
  type: z.literal("button"),
  text: PlainText,
  action_id: z.string(),
  url: z.string().optional(),
  value: z.string().optional(),
});
export type ButtonElement = z.infer<typeof ButtonElement>;

export const ActionsBlock = z.object({ type: z.literal("actions"), elements: z.array(ButtonElement) });
export type ActionsBlock = z.infer<typeof ActionsBlock>;

export const Block = z
  .union([HeaderBlock, SectionBlock, ContextBlock, DividerBlock, ActionsBlock])
  .openapi("SlackBlock", { description: "A Block Kit block, of the kinds deniedby sends" });
export type Block = z.infer<typeof Block>;

/** A message body as incoming webhooks and slash-command responses take it. */
export const SlackMessage = z
  .object({
    text: z.string().openapi({ description: "Fallback text for notifications (mrkdwn-escaped)" }),
    blocks: z.array(Block),
    response_type: z.enum(["ephemeral", "in_channel"]).optional(),
  })
  .openapi("SlackMessage");
export type SlackMessage = z.infer<typeof SlackMessage>;

export const EnrichedMessage = SlackMessage.extend({
  incidentId: z.string(),
  eventId: z.string().openapi({ description: "The event the message explains (the latest of its incident)" }),
});
export type EnrichedMessage = z.infer<typeof EnrichedMessage>;

export const EnrichSkip = z.object({
  position: z.string().openapi({ description: "'record 3', or '' for the whole body" }),
  reason: z.enum(["record.invalid", "record.not_denial"]),
  detail: z.string(),
});
export type EnrichSkip = z.infer<typeof EnrichSkip>;

export const EnrichResponse = z
  .object({ messages: z.array(EnrichedMessage), skipped: z.array(EnrichSkip) })
  .openapi("SlackEnrichment");
export type EnrichResponse = z.infer<typeof EnrichResponse>;

export const SlashCommandResponse = SlackMessage.extend({
  response_type: z.enum(["ephemeral", "in_channel"]),
}).openapi("SlackCommandResponse");
export type SlashCommandResponse = z.infer<typeof SlashCommandResponse>;
