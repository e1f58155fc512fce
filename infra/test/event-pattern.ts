/**
 * The subset of EventBridge pattern matching deniedby's rules use: exact strings, prefix, suffix, wildcard (*),
 * anything-but (strings), exists, nested objects and $or. Missing fields match only {"exists": false}.
 */
function matchValue(rules: unknown[], value: unknown): boolean {
  return rules.some((rule) => {
    if (typeof rule === "string") return value === rule;
    const r = rule as {
      prefix?: string;
      suffix?: string;
      wildcard?: string;
      exists?: boolean;
      "anything-but"?: string | string[];
    };
    if (r.exists !== undefined) return r.exists === (value !== undefined);
    if (typeof value !== "string") return false;
    const but = r["anything-but"];
    if (but !== undefined) return !(Array.isArray(but) ? but : [but]).includes(value);
    if (r.prefix !== undefined) return value.startsWith(r.prefix);
    if (r.suffix !== undefined) return value.endsWith(r.suffix);
    if (r.wildcard !== undefined)
      return new RegExp(
        `^${r.wildcard
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ).test(value);
    return false;
  });
}

/** True when `event` matches the EventBridge pattern `p`. */
export function matches(p: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(p).every(([key, rule]) => {
    if (key === "$or") return (rule as Record<string, unknown>[]).some((branch) => matches(branch, event));
    if (Array.isArray(rule)) return matchValue(rule, event[key]);
    const nested = event[key];
    return matches(
      rule as Record<string, unknown>,
      typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>) : {},
    );
  });
}

/** A CloudTrail event as EventBridge delivers it ("AWS API Call via CloudTrail"), with `detail` fields given. */
export const cloudTrailEvent = (detail: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.ecs",
  account: "111122223333",
  ...envelope,
  detail: { eventSource: "ecs.amazonaws.com", userIdentity: { type: "AssumedRole" }, ...detail },
});
