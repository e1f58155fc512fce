import type { SourceUsage, UsageCall } from "../source.js";
import type { AthenaRow } from "./athena-runner.js";

/** Parses a JSON column; text that is not JSON is kept as the string it is (the normaliser reads fields defensively). */
function jsonColumn(value: string | null): unknown {
  if (value === null || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Drops undefined and null members, so an absent column is absent from the record, as in a log file. */
function compact(entries: [string, unknown][]): Record<string, unknown> | undefined {
  const kept = entries.filter(([, v]) => v !== undefined && v !== null);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/**
 * `resources` arrives as JSON from `json_format(CAST(resources AS JSON))`: an array of objects on Athena engine 3,
 * of positional arrays on engines that cast ROW to JSON arrays. Either way it becomes CloudTrail's
 * `[{ARN, accountId, type}]`.
 */
function resourcesColumn(value: string | null): Record<string, unknown>[] | undefined {
  const parsed = jsonColumn(value);
  if (!Array.isArray(parsed)) return undefined;
  return parsed.flatMap((item: unknown) => {
    const [arn, accountId, type] = Array.isArray(item)
      ? item
      : typeof item === "object" && item !== null
        ? [
            (item as Record<string, unknown>).arn,
            (item as Record<string, unknown>).accountid,
            (item as Record<string, unknown>).type,
          ]
        : [];
    const r = compact([
      ["ARN", arn],
      ["accountId", accountId],
      ["type", type],
    ]);
    return r ? [r] : [];
  });
}

/**
 * Rebuilds a CloudTrail record (CloudTrail's own field names and nesting) from a row of the denials or evidence query,
 * which select the table's columns flat (`ui_*` userIdentity, `sc_*` sessionContext, `si_*` sessionIssuer). The
 * Athena table holds no raw JSON, so this record is what the store keeps as the event's raw text.
 */
export function recordFromRow(row: AthenaRow): Record<string, unknown> {
  const col = (name: string) => row[name] ?? null;
  const sessionIssuer = compact([
    ["type", col("si_type")],
    ["principalId", col("si_principalid")],
    ["arn", col("si_arn")],
    ["accountId", col("si_accountid")],
    ["userName", col("si_username")],
  ]);
  const sessionContext = compact([
    [
      "attributes",
      compact([
        ["creationDate", col("sc_creationdate")],
        ["mfaAuthenticated", col("sc_mfaauthenticated")],
      ]),
    ],
    ["sessionIssuer", sessionIssuer],
    ["ec2RoleDelivery", col("sc_ec2roledelivery")],
    ["webIdFederationData", compact([["federatedProvider", col("sc_federatedprovider")]])],
  ]);
  const userIdentity = compact([
    ["type", col("ui_type")],
    ["principalId", col("ui_principalid")],
    ["arn", col("ui_arn")],
    ["accountId", col("ui_accountid")],
    ["accessKeyId", col("ui_accesskeyid")],
    ["userName", col("ui_username")],
    ["invokedBy", col("ui_invokedby")],
    ["sessionContext", sessionContext],
  ]);
  const readOnly = col("readonly");
  return (
    compact([
      ["eventVersion", col("eventversion")],
      ["userIdentity", userIdentity],
      ["eventTime", col("eventtime")],
      ["eventSource", col("eventsource")],
      ["eventName", col("eventname")],
      ["awsRegion", col("awsregion")],
      ["sourceIPAddress", col("sourceipaddress")],
      ["userAgent", col("useragent")],
      ["errorCode", col("errorcode")],
      ["errorMessage", col("errormessage")],
      ["requestParameters", jsonColumn(col("requestparameters"))],
      ["responseElements", jsonColumn(col("responseelements"))],
      ["additionalEventData", jsonColumn(col("additionaleventdata"))],
      ["requestID", col("requestid")],
      ["eventID", col("eventid")],
      ["readOnly", readOnly === null ? undefined : readOnly === "true"],
      ["resources", resourcesColumn(col("resources_json"))],
      ["eventType", col("eventtype")],
      ["apiVersion", col("apiversion")],
      ["recipientAccountId", col("recipientaccountid")],
      ["serviceEventDetails", jsonColumn(col("serviceeventdetails"))],
      ["sharedEventID", col("sharedeventid")],
      ["vpcEndpointId", col("vpcendpointid")],
      ["eventCategory", col("eventcategory")],
    ]) ?? {}
  );
}

function count(value: string | null): number {
  const n = Number(value ?? "0");
  return Number.isFinite(n) && n >= 0 ? Math.trunc(n) : 0;
}

/**
 * The usage query's column that carries request parameter `name`: `rp_` and the name in snake case, a capital
 * marked by its underscore (`bucketName` → `rp_bucket_name`, `Bucket` → `rp__bucket`), so each name has its own
 * column in Athena's case-folded identifiers and the name can be read back from the column.
 */
export function parameterColumn(name: string): string {
  return `rp_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

function parameterOfColumn(column: string): string {
  return column.slice(3).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The usage query's columns for the call's listed resources: its S3 object, and the first resource listed. */
export const RESOURCE_COLUMNS = { object: "rs_object_arn", first: "rs_first_arn" } as const;

/** What the row's resource is built from, as the fields of a record that hold it. */
function callOf(row: AthenaRow, eventSource: string, principalArn: string): UsageCall {
  const requestParameters: Record<string, string> = {};
  for (const [column, value] of Object.entries(row))
    if (column.startsWith("rp_") && value !== null && value !== undefined)
      requestParameters[parameterOfColumn(column)] = value;
  const object = row[RESOURCE_COLUMNS.object];
  const first = row[RESOURCE_COLUMNS.first];
  return {
    eventSource,
    awsRegion: row.region ?? "",
    recipientAccountId: row.resource_account ?? "",
    // The partition is the caller's: its role's ARN is in the same one.
    userIdentity: principalArn.startsWith("arn:") ? { arn: principalArn } : {},
    requestParameters,
    resources: [
      ...(object ? [{ ARN: object, type: "AWS::S3::Object" }] : []),
      ...(first ? [{ ARN: first }] : []),
    ],
  };
}

/** Null when the row lacks what a usage row cannot do without (day, principal, call, times). */
export function usageFromRow(row: AthenaRow): SourceUsage | null {
  const day = row.day ?? null;
  const principalArn = row.principal_arn ?? null;
  const eventSource = row.event_source ?? null;
  const eventName = row.event_name ?? null;
  const firstSeen = Date.parse(row.first_seen ?? "");
  const lastSeen = Date.parse(row.last_seen ?? "");
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !principalArn || !eventSource || !eventName) return null;
  if (Number.isNaN(firstSeen) || Number.isNaN(lastSeen)) return null;
  const agents = jsonColumn(row.user_agents ?? null);
  return {
    day,
    principalArn,
    principalType: row.principal_type ?? "Unknown",
    roleArn: row.role_arn || null,
    accountId: row.account_id ?? "",
    eventSource,
    eventName,
    call: callOf(row, eventSource, principalArn),
    calls: count(row.calls ?? null),
    errors: count(row.errors ?? null),
    firstSeen,
    lastSeen,
    userAgents: Array.isArray(agents)
      ? [...new Set(agents.filter((a): a is string => typeof a === "string"))]
      : [],
  };
}
