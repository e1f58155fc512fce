import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses to act on requests older than this, and so do we (replay window). */
export const SLACK_MAX_AGE_SECONDS = 300;

export const signatureFailures = {
  "signature.missing": "the X-Slack-Signature or X-Slack-Request-Timestamp header is missing",
  "signature.malformed": "the signature is not v0=<64 hex digits>, or the timestamp is not a number",
  "signature.stale": "the request timestamp is more than 5 minutes away from now",
  "signature.mismatch": "the signature does not match the body",
} as const;
export type SignatureFailure = keyof typeof signatureFailures;

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure; detail: string };

export interface SignedRequest {
  /** The value of X-Slack-Request-Timestamp (seconds since the epoch, as sent). */
  timestamp: string | undefined;
  /** The value of X-Slack-Signature (`v0=<hex>`). */
  signature: string | undefined;
  /** The body exactly as received: re-encoding a parsed form would change the bytes. */
  rawBody: Uint8Array | string;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the signing secret, as Slack computes it. */
export function signSlackRequest(
  signingSecret: string,
  timestamp: string,
  rawBody: Uint8Array | string,
): string {
  const mac = createHmac("sha256", signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest("hex")}`;
}

/**
 * Verifies Slack's request signature: the timestamp within 5 minutes of `nowMs` (either side), and the signature
 * equal, compared in constant time, to the one computed over the raw body. Never throws; the failure is typed.
 */
export function verifySlackSignature(
  signingSecret: string,
  request: SignedRequest,
  nowMs: number,
): SignatureCheck {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return failure("signature.missing");
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/i.test(signature))
    return failure("signature.malformed");
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > SLACK_MAX_AGE_SECONDS)
    return failure("signature.stale");
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, request.rawBody), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  // Both are `v0=` + 64 hex digits here, so the lengths are equal and timingSafeEqual cannot throw.
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return failure("signature.mismatch");
  return { ok: true };
}

function failure(reason: SignatureFailure): SignatureCheck {
  return { ok: false, reason, detail: signatureFailures[reason] };
}
