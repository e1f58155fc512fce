import { stringField } from "../../cloudtrail/record.js";
import { hit } from "../role-state.js";
import type { Extractor } from "./context.js";

/** CreateFunction/UpdateFunctionConfiguration (any API version) name the function's execution role. */
export const functionRole: Extractor = ({ req, named }) => {
  const role = named(stringField(req, "role"));
  if (role)
    hit(role, "lambda", "lambda.function-role", `function ${stringField(req, "functionName") ?? "?"}`);
};
