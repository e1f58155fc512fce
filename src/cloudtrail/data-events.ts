/**
 * Actions CloudTrail records only as data events, which trails leave off by default: S3 object-level calls,
 * DynamoDB item calls and Lambda Invoke. A denial of one may be the only one of its kind a trail shows, and a
 * trail without any says data events are off.
 */
const DATA_EVENT_ACTION =
  /^(s3:(Get|Put|Delete|Restore)Object\w*|dynamodb:(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactGetItems|TransactWriteItems)|lambda:InvokeFunction)$/;

export function isDataEventAction(action: string): boolean {
  return DATA_EVENT_ACTION.test(action);
}
