import { DenialNotFoundError } from "../denials/denials.errors.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import type { Logger } from "../shared/logger.js";
import { checkMessage } from "./block-kit.js";
import { answerSlashCommand, parseSlashCommand } from "./command.js";
import { enrichAlert } from "./enrich.js";
import { verifySlackSignature } from "./signature.js";
import {
  SlackMessageInvalidError,
  SlackNoDenialError,
  SlackNotConfiguredError,
  SlackSignatureError,
} from "./slack.errors.js";
import type { EnrichResponse, SlackMessage, SlashCommandResponse } from "./slack.schemas.js";

/** The last guard: a message Slack would refuse is our bug, reported as such rather than sent. */
function guard<M extends SlackMessage>(message: M, log: Logger): M {
  const issues = checkMessage(message);
  if (issues.length > 0) {
    log.error({ issues: issues.slice(0, 5) }, "built a Slack message that breaks Block Kit's rules");
    throw new SlackMessageInvalidError();
  }
  return message;
}

/** A slash command as Slack sends it: the raw form body (the signature covers its bytes) and the two headers. */
export interface SignedCommand {
  rawBody: Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** What the Slack routes do: enrich an alert, answer a signed slash command. Every message is checked first. */
export function createSlackUsecases(deps: Pick<Deps, "db" | "store" | "config" | "clock">) {
  const publicUrl = deps.config.DENIEDBY_PUBLIC_URL;
  return {
    enrich(body: unknown, log: Logger): EnrichResponse {
      const result = enrichAlert(deps.db, body, publicUrl, currentPolicies(deps.store));
      if (result.kind === "not_found") throw new DenialNotFoundError(result.eventId, { field: "eventId" });
      const [first] = result.skipped;
      if (result.messages.length === 0)
        throw new SlackNoDenialError(
          first ? `${first.reason}: ${first.detail}` : null,
          first?.position ?? "",
        );
      return { messages: result.messages.map((m) => guard(m, log)), skipped: result.skipped };
    },

    command(request: SignedCommand, log: Logger): SlashCommandResponse {
      const secret = deps.config.DENIEDBY_SLACK_SIGNING_SECRET;
      if (!secret) throw new SlackNotConfiguredError();
      const check = verifySlackSignature(secret, request, deps.clock.now());
      if (!check.ok) throw new SlackSignatureError(check.reason, check.detail);
      const form = new URLSearchParams(Buffer.from(request.rawBody).toString("utf8"));
      const answer = answerSlashCommand(
        deps.db,
        parseSlashCommand(form),
        publicUrl,
        currentPolicies(deps.store),
      );
      return { ...guard(answer, log), response_type: answer.response_type ?? "ephemeral" };
    },
  };
}
