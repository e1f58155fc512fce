/**
 * The base of every error deniedby raises on purpose. `code` is stable, lowercase and dotted (`roles.not_found`,
 * `athena.query_failed`): logs, status, the API's error envelope and tests match on it, never on the message.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A one-line description of any thrown value, for logs and status. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stable code of an error when it carries one (ours, or the AWS SDK's), else `fallback`. */
export function errorCode(error: unknown, fallback: string): string {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : fallback;
}
