import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/app-env.js";

/**
 * Signing in to the console with the API token. The cookie never holds the token: it holds an expiry and an HMAC of
 * it under a key derived from the token, so it proves the holder knew the token, expires on its own, and stops
 * working when the token changes. Stateless, so signing out clears the cookie in that browser only.
 */

export const SESSION_COOKIE = "deniedby_session";
/** A working day: an on-call shift signs in once. */
const SESSION_MS = 12 * 3_600_000;

const digest = (value: string) => createHash("sha256").update(value).digest();

export interface ConsoleAuth {
  /** False when no DENIEDBY_API_TOKEN is set: the console is open (and the server listens on loopback only). */
  readonly enabled: boolean;
  /** Constant-time comparison of a submitted token with the configured one. */
  tokenMatches(candidate: string): boolean;
  /** A fresh session value (expiry.mac). */
  issue(): string;
  isValid(value: string | undefined): boolean;
}

export function createConsoleAuth(token: string | undefined, clock: () => number): ConsoleAuth {
  const expected = token === undefined ? null : digest(token);
  // A key for sessions only, derived from the token: the MAC never reveals the token or anything usable as it.
  const key =
    token === undefined ? null : createHmac("sha256", token).update("deniedby console sessions").digest();
  const mac = (expiry: string) => (key ? createHmac("sha256", key).update(expiry).digest("base64url") : "");
  return {
    enabled: token !== undefined,
    tokenMatches: (candidate) => expected !== null && timingSafeEqual(digest(candidate), expected),
    issue: () => {
      const expiry = String(clock() + SESSION_MS);
      return `${expiry}.${mac(expiry)}`;
    },
    isValid(value) {
      if (!key || !value) return false;
      const dot = value.indexOf(".");
      const expiry = value.slice(0, dot);
      if (dot <= 0 || !/^\d+$/.test(expiry) || Number(expiry) <= clock()) return false;
      return timingSafeEqual(digest(value.slice(dot + 1)), digest(mac(expiry)));
    },
  };
}

/** Secure cookies only over HTTPS (directly, or behind a proxy that says so): a plain-HTTP loopback would drop them. */
function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

export function setSession(c: Context<AppEnv>, auth: ConsoleAuth): void {
  setCookie(c, SESSION_COOKIE, auth.issue(), {
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    path: "/",
    maxAge: SESSION_MS / 1000,
  });
}

export function clearSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Strict" });
}

/** Pages need a session once a token is configured: without one, a GET goes to the sign-in form and comes back. */
export function requireSession(auth: ConsoleAuth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!auth.enabled || auth.isValid(getCookie(c, SESSION_COOKIE))) return next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return c.text("sign in first", 401);
    const url = new URL(c.req.url);
    const next_ = `${url.pathname}${url.search}`;
    return c.redirect(next_ === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next_)}`, 303);
  };
}
