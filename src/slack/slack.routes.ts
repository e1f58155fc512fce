import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { ApiError, type ErrorCode } from "../http/errors.js";
import { commonErrors, ErrorEnvelope, notFound, PushBody } from "../http/schemas.js";
import { checkMessage, type SlackMessage } from "./block-kit.js";
import { answerSlashCommand, parseSlashCommand } from "./command.js";
import { enrichAlert } from "./enrich.js";
import { type SignatureFailure, verifySlackSignature } from "./signature.js";

const PlainText = z.object({
  type: z.literal("plain_text"),
  text: z.string(),
  emoji: z.boolean().optional(),
});
const TextObject = z.union([PlainText, z.object({ type: z.literal("mrkdwn"), text: z.string() })]);
const SlackBlock = z
  .union([
    z.object({ type: z.literal("header"), text: PlainText }),
    z.object({
      type: z.literal("section"),
      text: TextObject.optional(),
      fields: z.array(TextObject).optional(),
    }),
    z.object({ type: z.literal("context"), elements: z.array(TextObject) }),
    z.object({ type: z.literal("divider") }),
    z.object({
      type: z.literal("actions"),
      elements: z.array(
        z.object({
          type: z.literal("button"),
          text: PlainText,
          action_id: z.string(),
          url: z.string().optional(),
          value: z.string().optional(),
        }),
      ),
    }),
  ])
  .openapi("SlackBlock", { description: "A Block Kit block, of the kinds deniedby sends" });

const SlackMessageBody = z
  .object({
    text: z.string().openapi({ description: "Fallback text for notifications (mrkdwn-escaped)" }),
    blocks: z.array(SlackBlock),
  })
  .openapi("SlackMessage");

export const EnrichResponse = z
  .object({
    messages: z.array(
      SlackMessageBody.extend({
        incidentId: z.string(),
        eventId: z
          .string()
          .openapi({ description: "The event the message explains (the latest of its incident)" }),
      }),
    ),
    skipped: z.array(
      z.object({
        position: z.string().openapi({ description: "'record 3', or '' for the whole body" }),
        reason: z.enum(["record.invalid", "record.not_denial"]),
        detail: z.string(),
      }),
    ),
  })
  .openapi("SlackEnrichment");

export const SlashCommandResponse = SlackMessageBody.extend({
  response_type: z.enum(["ephemeral", "in_channel"]),
}).openapi("SlackCommandResponse");

const enrich = createRoute({
  method: "post",
  path: "/v1/slack/enrich",
  summary: "Explain an alert as a Slack Block Kit message",
  description:
    'Body: `{"eventId": …}` of a stored denial, one CloudTrail record, one EventBridge event, an array of either, or a log-file body `{"Records": […]}`. One message per incident in the alert (identical denials make one message); each `text` + `blocks` can be posted to an incoming webhook as is. Reads only: nothing is stored.',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: PushBody } } } },
  responses: {
    200: {
      description: "Messages, one per incident",
      content: { "application/json": { schema: EnrichResponse } },
    },
    ...commonErrors,
    404: notFound,
  },
});

const commands = createRoute({
  method: "post",
  path: "/v1/slack/commands",
  summary: "Slack slash command: /deniedby <event id | role ARN | role name>",
  description:
    "Called by Slack with a form-encoded body, authenticated by Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp; DENIEDBY_SLACK_SIGNING_SECRET), not by the bearer token. Answers with an ephemeral message.",
  responses: {
    200: {
      description: "An ephemeral Block Kit answer",
      content: { "application/json": { schema: SlashCommandResponse } },
    },
    401: {
      description: "Missing, stale or invalid Slack signature",
      content: { "application/json": { schema: ErrorEnvelope } },
    },
    503: {
      description: "No signing secret configured",
      content: { "application/json": { schema: ErrorEnvelope } },
    },
  },
});

const signatureErrors: Record<SignatureFailure, ErrorCode> = {
  "signature.missing": "auth.missing_signature",
  "signature.malformed": "auth.invalid_signature",
  "signature.stale": "auth.stale_signature",
  "signature.mismatch": "auth.invalid_signature",
};

export function registerSlackRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const publicUrl = deps.config.DENIEDBY_PUBLIC_URL;

  /** The last guard: a message Slack would refuse is our bug, reported as such rather than sent. */
  const guard = <M extends SlackMessage>(message: M, log: AppEnv["Variables"]["logger"]): M => {
    const issues = checkMessage(message);
    if (issues.length > 0) {
      log.error({ issues: issues.slice(0, 5) }, "built a Slack message that breaks Block Kit's rules");
      throw new ApiError("slack.invalid_message", "the message built breaks Block Kit's limits");
    }
    return message;
  };

  app.openapi(enrich, (c) => {
    const result = enrichAlert(deps.db, c.req.valid("json"), publicUrl);
    if (result.kind === "not_found")
      throw new ApiError("denials.not_found", `no stored denial has event id ${result.eventId}`, "eventId");
    if (result.messages.length === 0)
      throw new ApiError(
        "slack.no_denial",
        `the alert holds no access denial${result.skipped[0] ? ` (${result.skipped[0].reason}: ${result.skipped[0].detail})` : ""}`,
        result.skipped[0]?.position ?? "",
      );
    const log = c.get("logger");
    return c.json({ messages: result.messages.map((m) => guard(m, log)), skipped: result.skipped }, 200);
  });

  app.openapi(commands, async (c) => {
    const secret = deps.config.DENIEDBY_SLACK_SIGNING_SECRET;
    if (!secret)
      throw new ApiError(
        "slack.not_configured",
        "slash commands need DENIEDBY_SLACK_SIGNING_SECRET to be set",
      );
    // The signature covers the bytes as sent: read them before anything parses the form.
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const check = verifySlackSignature(
      secret,
      {
        timestamp: c.req.header("x-slack-request-timestamp"),
        signature: c.req.header("x-slack-signature"),
        rawBody,
      },
      deps.clock.now(),
    );
    if (!check.ok) throw new ApiError(signatureErrors[check.reason], check.detail);
    const command = parseSlashCommand(new URLSearchParams(Buffer.from(rawBody).toString("utf8")));
    const answer = answerSlashCommand(deps.db, command, publicUrl);
    return c.json(
      { ...guard(answer, c.get("logger")), response_type: answer.response_type ?? "ephemeral" },
      200,
    );
  });
}
