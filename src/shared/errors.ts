/**
 * The base of every error deniedby raises on purpose. `code` is stable, lowercase and dotted (`roles.not_found`,
 * `athena.query_failed`): logs, exit codes, the API's error envelope and tests match on it, never on the message.
 * `field` names the input at fault when there is one (a query parameter, a command-line option). Features declare
 * their errors in `<feature>.errors.ts`; src/http/errors.ts maps each code to an HTTP status in one table.
 */
export class DomainError<Code extends string = string> extends Error {
  readonly field: string | undefined;

  constructor(
    readonly code: Code,
    message: string,
    options: { cause?: unknown; field?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options.field;
  }
}

/**
 * An input the caller chose is wrong (a cursor we never issued, a report window out of range): the caller's
 * mistake, named by its field. Shares `request.invalid` with the API's own schema checks, so a client sees one
 * code for "fix this parameter" whichever layer noticed.
 */
export class InvalidInputError extends DomainError<"request.invalid"> {
  constructor(field: string, message: string) {
    super("request.invalid", message, { field });
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

/** An error and the errors it was caused by, outermost first (at most five deep: a chain is never longer here). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
}
