/**
 * IAM actions whose calls CloudTrail never records as events, so a trail can never show them being used: a report
 * must not call them "granted but unused", and a policy built from the trail must add them where their companion
 * call shows they are needed. Each with where AWS says so.
 */
export const unloggedActions: Readonly<Record<string, string>> = {
  // IAM user guide (Access Analyzer policy generation): "The iam:PassRole action is not tracked by CloudTrail".
  "iam:PassRole": "checked when a role is passed to a service, never an API call of its own",
  // CloudWatch Logs user guide, "Logging CloudWatch Logs API calls in CloudTrail": PutLogEvents is not logged.
  "logs:PutLogEvents": "CloudWatch Logs does not record PutLogEvents in CloudTrail",
};

/** True when CloudTrail never records calls of this action (case-insensitive, as IAM action names are). */
export function isUnloggedAction(action: string): boolean {
  const lower = action.toLowerCase();
  return Object.keys(unloggedActions).some((a) => a.toLowerCase() === lower);
}
