import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { PushBody } from "../events/events.schemas.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import {
  bodyErrors,
  commonErrors,
  errorResponseOf,
  jsonResponse,
  NoQuery,
  notFound,
} from "../http/openapi.js";
import { EnrichResponse, SlashCommandResponse } from "./slack.schemas.js";
import { createSlackUsecases } from "./slack.usecases.js";

/** POST /v1/slack/enrich (bearer token) and POST /v1/slack/commands (Slack's request signature). */
export function registerSlackRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const slack = createSlackUsecases(deps);

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/slack/enrich",
      operationId: "enrichSlackAlert",
      summary: "Explain an alert as a Slack Block Kit message",
      description:
        'Body: `{"eventId": …}` of a stored denial, one CloudTrail record, one EventBridge event, an array of either, or a log-file body `{"Records": […]}`. One message per incident in the alert (identical denials make one message); each `text` + `blocks` can be posted to an incoming webhook as is. Reads only: nothing is stored.',
      security: [{ bearer: [] }],
      request: {
        query: NoQuery,
        body: { required: true, content: { "application/json": { schema: PushBody } } },
      },
      responses: {
        200: jsonResponse(EnrichResponse, "Messages, one per incident"),
        ...commonErrors,
        ...bodyErrors,
        404: notFound,
      },
    }),
    (c) => c.json(slack.enrich(c.req.valid("json"), c.get("logger")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/slack/commands",
      operationId: "answerSlackCommand",
      security: [],
      summary: "Slack slash command: /deniedby <event id | role ARN | role name>",
      description:
        "Called by Slack with a form-encoded body, authenticated by Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp; DENIEDBY_SLACK_SIGNING_SECRET), not by the bearer token. Answers with an ephemeral message.",
      request: { query: NoQuery },
      responses: {
        200: jsonResponse(SlashCommandResponse, "An ephemeral Block Kit answer"),
        401: errorResponseOf("Missing, stale or invalid Slack signature"),
        503: errorResponseOf("No signing secret configured"),
      },
    }),
    async (c) => {
      // The signature covers the bytes as sent: read them before anything parses the form.
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      const request = {
        rawBody,
        timestamp: c.req.header("x-slack-request-timestamp"),
        signature: c.req.header("x-slack-signature"),
      };
      return c.json(slack.command(request, c.get("logger")), 200);
    },
  );
}
