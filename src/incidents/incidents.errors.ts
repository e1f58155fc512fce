import { DomainError } from "../shared/errors.js";

/** The codes of the incidents feature (statuses: src/http/errors.ts). */
export type IncidentErrorCode = "incidents.not_found";

/** No incident has this id. */
export class IncidentNotFoundError extends DomainError<IncidentErrorCode> {
  constructor(id: string) {
    super("incidents.not_found", `no incident ${id}`);
  }
}
