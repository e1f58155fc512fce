import { DomainError } from "../shared/errors.js";

/** The codes of the denials feature (statuses: src/http/errors.ts). */
export type DenialErrorCode = "denials.not_found";

/** No stored denial has this CloudTrail eventID. */
export class DenialNotFoundError extends DomainError<DenialErrorCode> {
  constructor(eventId: string, options: { field?: string } = {}) {
    super("denials.not_found", `no stored denial has eventID ${eventId}`, options);
  }
}
