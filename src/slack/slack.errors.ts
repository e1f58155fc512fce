import { DomainError } from "../shared/errors.js";
import type { SignatureFailure } from "./signature.js";

/** The codes of the Slack feature (statuses: src/http/errors.ts). */
export type SlackErrorCode =
  | "slack.no_denial"
  | "slack.not_configured"
  | "slack.invalid_message"
  | "auth.missing_signature"
  | "auth.invalid_signature"
  | "auth.stale_signature";

/** The alert given to /v1/slack/enrich holds no access denial; `field` is the position of the first skipped item. */
export class SlackNoDenialError extends DomainError<"slack.no_denial"> {
  constructor(detail: string | null, position: string) {
    super("slack.no_denial", `the alert holds no access denial${detail ? ` (${detail})` : ""}`, {
      field: position,
    });
  }
}

/** Slash commands are answered only once a signing secret is configured. */
export class SlackNotConfiguredError extends DomainError<"slack.not_configured"> {
  constructor() {
    super("slack.not_configured", "slash commands need DENIEDBY_SLACK_SIGNING_SECRET to be set");
  }
}

/** A message we built breaks Block Kit's rules: our bug, reported rather than sent (Slack would show nothing). */
export class SlackMessageInvalidError extends DomainError<"slack.invalid_message"> {
  constructor() {
    super("slack.invalid_message", "the message built breaks Block Kit's limits");
  }
}

const signatureCodes = {
  "signature.missing": "auth.missing_signature",
  "signature.malformed": "auth.invalid_signature",
  "signature.stale": "auth.stale_signature",
  "signature.mismatch": "auth.invalid_signature",
} as const satisfies Record<SignatureFailure, SlackErrorCode>;

/** A slash command whose Slack request signature is missing, stale or wrong. */
export class SlackSignatureError extends DomainError<(typeof signatureCodes)[SignatureFailure]> {
  constructor(reason: SignatureFailure, detail: string) {
    super(signatureCodes[reason], detail);
  }
}
