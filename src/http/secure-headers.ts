import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env.js";

/** A CSP source that allows one inline `<style>` element by the hash of its text. */
export function styleHash(css: string): string {
  return `'sha256-${createHash("sha256").update(css).digest("base64")}'`;
}

/**
 * THE security headers of every response, JSON, console page, asset and error alike: one Content-Security-Policy
 * (scripts, styles, images and requests from this site only, no inline script, no framing, no plugins), nosniff,
 * no referrer beyond this site. The one inline style allowed is given by hash: the self-contained HTML report
 * (GET /v1/reports/least-privilege?format=html) carries its stylesheet in a `<style>` element, and a browser
 * opening it from the API must apply it; the console serves the same CSS as a file.
 */
export function securityHeaders(inlineStyles: readonly string[]): MiddlewareHandler<AppEnv> {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", ...inlineStyles.map(styleHash)],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
  });
}
