import { DomainError } from "../../shared/errors.js";
import type { GiveUp } from "../aws-retry.js";

/** Stable codes for what can go wrong talking to LookupEvents; logs, status and tests match on them. */
export const lookupEventsErrorCodes = {
  "lookup_events.throttled": "LookupEvents kept throttling after every retry",
  "lookup_events.unavailable": "LookupEvents kept failing with server errors after every retry",
  "lookup_events.request_failed": "LookupEvents rejected the request",
} as const;
export type LookupEventsErrorCode = keyof typeof lookupEventsErrorCodes;

export class LookupEventsError extends DomainError {
  declare readonly code: LookupEventsErrorCode;
  constructor(
    code: LookupEventsErrorCode,
    readonly region: string,
    /** The AWS error name (ThrottlingException, AccessDeniedException, …) or the network error. */
    readonly awsCode: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(code, `${region}: ${lookupEventsErrorCodes[code]}: ${awsCode}: ${message}`, options);
  }
}

const codeOf: Record<GiveUp, LookupEventsErrorCode> = {
  throttled: "lookup_events.throttled",
  unavailable: "lookup_events.unavailable",
  failed: "lookup_events.request_failed",
};

/** The error a region's pull throws when it gives a request up. */
export function lookupEventsGiveUp(region: string) {
  return (why: GiveUp, info: { name: string; message: string }, cause: unknown): LookupEventsError =>
    new LookupEventsError(codeOf[why], region, info.name, info.message, { cause });
}
