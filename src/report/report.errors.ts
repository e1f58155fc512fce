import { InvalidInputError } from "../shared/errors.js";

/** A bad report window (`from`/`to`): answered as `request.invalid` naming the field, like any bad parameter. */
export class WindowError extends InvalidInputError {
  constructor(
    override readonly field: "from" | "to",
    message: string,
  ) {
    super(field, message);
  }
}
