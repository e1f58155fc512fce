import { describe, expect, it } from "vitest";
import { signSlackRequest, verifySlackSignature } from "./signature.js";

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW = Number(TIMESTAMP) * 1000;

const verify = (
  o: {
    body?: string | Uint8Array;
    signature?: string | undefined;
    timestamp?: string | undefined;
    now?: number;
  } = {},
) =>
  verifySlackSignature(
    SECRET,
    {
      timestamp: "timestamp" in o ? o.timestamp : TIMESTAMP,
      signature: "signature" in o ? o.signature : SIGNATURE,
      rawBody: o.body ?? BODY,
    },
    o.now ?? NOW,
  );

describe("Slack request signatures", () => {
  it("computes Slack's documented example signature", () => {
    expect(signSlackRequest(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(signSlackRequest(SECRET, TIMESTAMP, new TextEncoder().encode(BODY))).toBe(SIGNATURE);
  });

  it("accepts the documented example, as text or raw bytes, within 5 minutes either side", () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ body: Buffer.from(BODY) })).toEqual({ ok: true });
    expect(verify({ now: NOW + 300_000 })).toEqual({ ok: true });
    expect(verify({ now: NOW - 300_000 })).toEqual({ ok: true });
    expect(verify({ signature: SIGNATURE.toUpperCase().replace("V0=", "v0=") })).toEqual({ ok: true });
  });

  it("rejects tampered bodies", () => {
    const tampered = [
      BODY.replace("text=", "text=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx"),
      BODY.replace("roadrunner", "coyote"),
      `${BODY}&`,
      BODY.slice(0, -1),
      ` ${BODY}`,
    ];
    for (const body of tampered)
      expect(verify({ body }), body.slice(0, 40)).toMatchObject({ ok: false, reason: "signature.mismatch" });
  });

  it("rejects a signature made with another secret or for another timestamp", () => {
    expect(verify({ signature: signSlackRequest("another-secret", TIMESTAMP, BODY) })).toMatchObject({
      reason: "signature.mismatch",
    });
    const later = String(Number(TIMESTAMP) + 1);
    expect(verify({ timestamp: later, signature: SIGNATURE, now: NOW })).toMatchObject({
      reason: "signature.mismatch",
    });
  });

  it("rejects timestamps more than 5 minutes old or ahead, even with a valid signature", () => {
    expect(verify({ now: NOW + 301_000 })).toMatchObject({ ok: false, reason: "signature.stale" });
    expect(verify({ now: NOW - 301_000 })).toMatchObject({ ok: false, reason: "signature.stale" });
  });

  it("rejects missing and malformed headers without throwing", () => {
    expect(verify({ signature: undefined })).toMatchObject({ reason: "signature.missing" });
    expect(verify({ timestamp: undefined })).toMatchObject({ reason: "signature.missing" });
    expect(verify({ signature: "v1=abc" })).toMatchObject({ reason: "signature.malformed" });
    expect(verify({ signature: SIGNATURE.slice(0, -2) })).toMatchObject({ reason: "signature.malformed" });
    expect(verify({ timestamp: "1531420618.5" })).toMatchObject({ reason: "signature.malformed" });
    expect(verify({ timestamp: "-1" })).toMatchObject({ reason: "signature.malformed" });
  });
});
