import { DomainError } from "../shared/errors.js";

/** The codes of the roles feature (statuses: src/http/errors.ts). */
export type RoleErrorCode = "roles.not_found";

/** The catalogue (or, for the report, the store) knows no such role. */
export class RoleNotFoundError extends DomainError<RoleErrorCode> {
  constructor(message: string, options: { field?: string } = {}) {
    super("roles.not_found", message, options);
  }
}
