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

/** How a column's text becomes a record's value. */
type Decode = "text" | "json" | "boolean" | "resources";

interface RecordColumn {
  /** The name the query selects it as. */
  column: string;
  /** Its expression over the CloudTrail table. */
  sql: string;
  /** Where its value goes in the rebuilt record. */
  path: readonly string[];
  decode: Decode;
}

const recordColumn = (column: string, sql: string, path: string, decode: Decode = "text"): RecordColumn => ({
  column,
  sql,
  path: path.split("."),
  decode,
});
const identity = "useridentity";
const session = `${identity}.sessioncontext`;

/**
 * The columns of the denials and evidence queries, in CloudTrail's field order, selected flat (`ui_*` userIdentity,
 * `sc_*` sessionContext, `si_*` sessionIssuer). Both queries' select lists are rendered from this list
 * (src/cloudtrail/query-blocks.ts), and `recordFromRow` reads it back, so a column is named in one place.
 */
export const RECORD_COLUMNS: readonly RecordColumn[] = [
  recordColumn("eventversion", "eventversion", "eventVersion"),
  recordColumn("ui_type", `${identity}.type`, "userIdentity.type"),
  recordColumn("ui_principalid", `${identity}.principalid`, "userIdentity.principalId"),
  recordColumn("ui_arn", `${identity}.arn`, "userIdentity.arn"),
  recordColumn("ui_accountid", `${identity}.accountid`, "userIdentity.accountId"),
  recordColumn("ui_accesskeyid", `${identity}.accesskeyid`, "userIdentity.accessKeyId"),
  recordColumn("ui_username", `${identity}.username`, "userIdentity.userName"),
  recordColumn("ui_invokedby", `${identity}.invokedby`, "userIdentity.invokedBy"),
  recordColumn(
    "sc_creationdate",
    `${session}.attributes.creationdate`,
    "userIdentity.sessionContext.attributes.creationDate",
  ),
  recordColumn(
    "sc_mfaauthenticated",
    `${session}.attributes.mfaauthenticated`,
    "userIdentity.sessionContext.attributes.mfaAuthenticated",
  ),
  recordColumn("si_type", `${session}.sessionissuer.type`, "userIdentity.sessionContext.sessionIssuer.type"),
  recordColumn(
    "si_principalid",
    `${session}.sessionissuer.principalid`,
    "userIdentity.sessionContext.sessionIssuer.principalId",
  ),
  recordColumn("si_arn", `${session}.sessionissuer.arn`, "userIdentity.sessionContext.sessionIssuer.arn"),
  recordColumn(
    "si_accountid",
    `${session}.sessionissuer.accountid`,
    "userIdentity.sessionContext.sessionIssuer.accountId",
  ),
  recordColumn(
    "si_username",
    `${session}.sessionissuer.username`,
    "userIdentity.sessionContext.sessionIssuer.userName",
  ),
  recordColumn(
    "sc_ec2roledelivery",
    `${session}.ec2roledelivery`,
    "userIdentity.sessionContext.ec2RoleDelivery",
  ),
  recordColumn(
    "sc_federatedprovider",
    `${session}.webidfederationdata.federatedprovider`,
    "userIdentity.sessionContext.webIdFederationData.federatedProvider",
  ),
  recordColumn("eventtime", "eventtime", "eventTime"),
  recordColumn("eventsource", "eventsource", "eventSource"),
  recordColumn("eventname", "eventname", "eventName"),
  recordColumn("awsregion", "awsregion", "awsRegion"),
  recordColumn("sourceipaddress", "sourceipaddress", "sourceIPAddress"),
  recordColumn("useragent", "useragent", "userAgent"),
  recordColumn("errorcode", "errorcode", "errorCode"),
  recordColumn("errormessage", "errormessage", "errorMessage"),
  recordColumn("requestparameters", "requestparameters", "requestParameters", "json"),
  recordColumn("responseelements", "responseelements", "responseElements", "json"),
  recordColumn("additionaleventdata", "additionaleventdata", "additionalEventData", "json"),
  recordColumn("requestid", "requestid", "requestID"),
  recordColumn("eventid", "eventid", "eventID"),
  recordColumn("readonly", "readonly", "readOnly", "boolean"),
  recordColumn("resources_json", "json_format(CAST(resources AS JSON))", "resources", "resources"),
  recordColumn("eventtype", "eventtype", "eventType"),
  recordColumn("apiversion", "apiversion", "apiVersion"),
  recordColumn("recipientaccountid", "recipientaccountid", "recipientAccountId"),
  recordColumn("serviceeventdetails", "serviceeventdetails", "serviceEventDetails", "json"),
  recordColumn("sharedeventid", "sharedeventid", "sharedEventID"),
  recordColumn("vpcendpointid", "vpcendpointid", "vpcEndpointId"),
  recordColumn("eventcategory", "eventcategory", "eventCategory"),
];

function decoded(decode: Decode, value: string | null): unknown {
  if (value === null) return undefined;
  if (decode === "json") return jsonColumn(value);
  if (decode === "resources") return resourcesColumn(value);
  return decode === "boolean" ? value === "true" : value;
}

/**
 * Rebuilds a CloudTrail record (CloudTrail's own field names and nesting) from a row of the denials or evidence
 * query. The Athena table holds no raw JSON, so this record is what the store keeps as the event's raw text. An
 * absent or NULL column is absent from the record, as in a log file.
 */
export function recordFromRow(row: AthenaRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const c of RECORD_COLUMNS) {
    const value = decoded(c.decode, row[c.column] ?? null);
    if (value === undefined || value === null) continue;
    let into = record;
    for (const key of c.path.slice(0, -1)) {
      into[key] ??= {};
      into = into[key] as Record<string, unknown>;
    }
    into[c.path.at(-1) as string] = value;
  }
  return record;
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
