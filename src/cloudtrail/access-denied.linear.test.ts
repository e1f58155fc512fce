import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MESSAGE_INPUT_LIMIT, messageForms, parseAccessDenied } from "./access-denied.js";

/**
 * The grammar does work linear in the message, whatever the message: proved with the scanner's step meter (nothing
 * here is timed). The adversarial inputs are the ones that made the old patterns quadratic (a long run of white
 * space before the encoded-message anchor, the KMS sentence repeated) and others aimed at each anchor and token rule.
 */

function repeat(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

const ADVERSARIAL: Record<string, (n: number) => string> = {
  "white space before the encoded-message anchor": (n) => `a${repeat(" \t", n)}b`,
  "the KMS ciphertext sentence repeated": (n) =>
    repeat("The ciphertext refers to a customer master key that does not exist ", n),
  "one unbroken token after User:": (n) => `User: ${repeat("a", n)}`,
  "the enhanced anchor repeated": (n) => repeat("User: a is not authorized to perform: ", n),
  "EC2's sentence repeated": (n) => repeat("You are not authorized to perform this operation. ", n),
  "redaction brackets that never close": (n) =>
    `User: arn:aws:iam::${repeat("<", n)} is not authorized to perform: s3:GetObject on resource: ${repeat("<a", n)}`,
  "a resource quote that never closes": (n) =>
    `User: a is not authorized to perform: s3:GetObject on resource: "${repeat("x", n)}`,
  "JSON escapes": (n) => repeat('\\"\\\\n', n),
  "XML entities": (n) => repeat("&quot;&amp;", n),
  "policy-ARN tails": (n) =>
    `User: a is not authorized to perform: s3:X with an explicit deny in a service control policy${repeat(": arn:", n)}`,
  "SQS sentence without its end": (n) => repeat("Access to the resource https://sqs.", n),
  "Principal brackets": (n) => `Principal [${repeat("[", n)}`,
  "Go v2 wrapper repeated": (n) => repeat("operation error S3: GetObject, ", n),
  "botocore wrapper repeated": (n) => repeat("An error occurred (AccessDenied) when calling the ", n),
  "ECS stop reason parts": (n) => repeat("CannotPullContainerError: failed to resolve ref 403 Forbidden ", n),
};

const SIZES = [1_000, 2_000, 4_000, 8_000, 16_000];
/** Steps per character the grammar may spend (about forty anchors looked for once each, plus bounded reads). */
const PER_CHAR = 64;

function steps(message: string): number {
  const meter = { steps: 0 };
  parseAccessDenied(message, null, { meter });
  return meter.steps;
}

describe("parseAccessDenied does linear work", () => {
  it.each(Object.entries(ADVERSARIAL))("%s: steps grow linearly with the length", (_name, make) => {
    const counts = SIZES.map((n) => steps(make(n)));
    for (const [i, n] of SIZES.entries()) expect(counts[i], `n=${n}`).toBeLessThanOrEqual(PER_CHAR * n);
    // Sixteen times the text, at most sixteen times the work (and a little slack for the constant part).
    expect(counts[4] as number).toBeLessThanOrEqual(17 * (counts[0] as number));
  });

  it.each(Object.entries(ADVERSARIAL))("%s: nothing past MESSAGE_INPUT_LIMIT is read", (_name, make) => {
    const atLimit = steps(make(MESSAGE_INPUT_LIMIT));
    const huge = make(200_000);
    expect(steps(huge)).toBeLessThanOrEqual(atLimit + 100);
    expect(parseAccessDenied(huge).truncated).toBe(true);
  });

  it("reports the step counts it measured", () => {
    const rows = Object.entries(ADVERSARIAL).map(([name, make]) => {
      const counts = SIZES.map((n) => steps(make(n)));
      return `${name.padEnd(48)} ${counts.map((c, i) => (c / (SIZES[i] as number)).toFixed(1).padStart(6)).join("")}`;
    });
    console.log(`steps per character at ${SIZES.join(", ")} characters\n${rows.join("\n")}`);
    expect(rows).toHaveLength(Object.keys(ADVERSARIAL).length);
  });
});

/** Pieces real messages are made of, for random long messages that look like the real thing. */
const FRAGMENTS = [
  "User: ",
  "arn:aws:sts::123456789012:assumed-role/app/0123456789abcdef0123456789abcdef",
  " is not authorized to perform: ",
  "s3:GetObject",
  " on resource: ",
  '"arn:aws:s3:::bucket/key"',
  " because no identity-based policy allows the s3:GetObject action",
  " with an explicit deny in a service control policy: arn:aws:organizations::1:policy/o-1/p-1",
  "An error occurred (AccessDenied) when calling the GetObject operation: ",
  " (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: X)",
  "\n\tstatus code: 403, request id: 1",
  "operation error S3: GetObject, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: ",
  "Encoded authorization failure message: abc",
  "Access Denied",
  "Access to the resource https://sqs.us-east-1.amazonaws.com/123456789012/q is denied.",
  "<account id>",
  "`",
  "'",
  '\\"',
  "&quot;",
  " ",
];

/** Text a wrapper adds: it must never end up inside the parsed resource. */
const WRAPPER_TEXT = [
  "(Service:",
  "Status Code",
  "status code",
  "request id",
  "Request ID",
  "An error occurred",
  "operation error",
  "Encoded authorization",
  " because ",
  "explicit deny",
  "is not authorized",
];

const longMessage = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 40 })), { maxLength: 600 })
  .map((parts) => parts.join(""));

describe("parseAccessDenied on random long messages", () => {
  it("terminates with a sane result and never puts wrapper text into the resource", () => {
    fc.assert(
      fc.property(longMessage, (message) => {
        const meter = { steps: 0 };
        const p = parseAccessDenied(message, null, { meter });
        expect(Object.keys(messageForms)).toContain(p.form);
        expect(meter.steps).toBeLessThanOrEqual(
          PER_CHAR * Math.min(message.length, MESSAGE_INPUT_LIMIT) + 10_000,
        );
        if (p.resource !== undefined) {
          expect(p.resource.length).toBeGreaterThan(0);
          for (const w of WRAPPER_TEXT) expect(p.resource).not.toContain(w);
        }
        if (p.action !== undefined) expect(p.action).toMatch(/^[A-Za-z0-9-]+:[A-Za-z0-9*]+$/);
      }),
      { numRuns: 300 },
    );
  });

  it("reads the same principal, action and resource whatever SDK wrapper surrounds a denial", () => {
    const denial = fc.record({
      account: fc.constantFrom("123456789012", "xxxx", "<account id>", "***", "<<ACCOUNT>>"),
      role: fc.stringMatching(/^[A-Za-z][A-Za-z0-9+=,.@_-]{0,30}$/),
      session: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/),
      action: fc.constantFrom("s3:GetObject", "kms:Decrypt", "sqs:SendMessage", "ssm:GetParameters"),
      resource: fc.stringMatching(
        /^arn:aws:[a-z0-9]{2,10}:[a-z0-9-]{0,12}:[0-9]{0,12}:[A-Za-z0-9/_.-]{0,39}[A-Za-z0-9]$/,
      ),
      clause: fc.constantFrom(
        "",
        " because no identity-based policy allows the action",
        " with an explicit deny in a resource-based policy",
      ),
      wrap: fc.constantFrom<(m: string) => string>(
        (m) => `An error occurred (AccessDenied) when calling the GetObject operation: ${m}`,
        (m) =>
          `${m} (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: R; Proxy: null)`,
        (m) => `AccessDenied: ${m}\n\tstatus code: 403, request id: 1, host id: 2`,
        (m) =>
          `operation error S3: GetObject, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: ${m}`,
        (m) => `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":${JSON.stringify(m)}}`,
        (m) => `<Error><Code>AccessDenied</Code><Message>${m}</Message><RequestId>1</RequestId></Error>`,
        (m) => `Resource handler returned message: "${m} (Service: S3, Status Code: 403, Request ID: 1)"`,
      ),
    });
    fc.assert(
      fc.property(denial, (d) => {
        const principal = `arn:aws:sts::${d.account}:assumed-role/${d.role}/${d.session}`;
        const message = `User: ${principal} is not authorized to perform: ${d.action} on resource: ${d.resource}${d.clause}`;
        const p = parseAccessDenied(d.wrap(message));
        expect(p.principalArn).toBe(principal);
        expect(p.action).toBe(d.action);
        expect(p.resource).toBe(d.resource);
      }),
      { numRuns: 300 },
    );
  });
});
