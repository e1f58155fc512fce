import { rejectReasons as recordRejectReasons } from "../cloudtrail/normalise.js";
import { sourceRejectReasons } from "../sources/source.js";

/** Every reason input is quarantined for: what sources set aside, and what validating a record finds. */
export const rejectReasons = { ...recordRejectReasons, ...sourceRejectReasons } as const;
export type RejectReason = keyof typeof rejectReasons;
