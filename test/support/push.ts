import { postJson, type testApp } from "./app.js";
import { makeRecord, uuidFor } from "./records.js";

/** Records for push tests, all at one instant: a denial of a DynamoDB read, a plain call, an EventBridge wrapper. */
const T = "2026-11-16T10:00:00Z";

export const pushedDenial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 4),
    eventTime: T,
    errorCode: "AccessDeniedException",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action",
  });

export const pushedUsage = (n: number) => makeRecord({ eventId: uuidFor(n, 5), eventTime: T });

export const eventBridge = (record: Record<string, unknown>) => ({
  version: "0",
  id: "0d4f0000-0000-4000-8000-000000000001",
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.dynamodb",
  account: "111122223333",
  time: T,
  region: "eu-west-1",
  resources: [],
  detail: record,
});

/** POST /v1/events: the status and the parsed body. */
export async function push(
  app: ReturnType<typeof testApp>["app"],
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await app.request("/v1/events", postJson(body, headers));
  return { status: res.status, body: (await res.json()) as unknown };
}
