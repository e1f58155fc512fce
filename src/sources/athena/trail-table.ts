/**
 * The columns of the CloudTrail table deniedby's Athena queries read, as AWS documents the table for CloudTrail logs
 * (with partition projection). Both DDL templates (queries/cloudtrail-table*.sql) take them from here as
 * `{{columns}}`, and a test holds every column the queries name to this list.
 */

/** A Hive type: a scalar or map type's text, a struct's members in order, or an array of one struct. */
export type HiveType = string | { readonly [member: string]: HiveType } | readonly [HiveType];

const STRING = "STRING";

export const TRAIL_COLUMNS: Readonly<Record<string, HiveType>> = {
  eventversion: STRING,
  useridentity: {
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: { userid: STRING, identitystorearn: STRING },
    sessioncontext: {
      attributes: { mfaauthenticated: STRING, creationdate: STRING },
      sessionissuer: { type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING },
      ec2roledelivery: STRING,
      webidfederationdata: { federatedprovider: STRING, attributes: "MAP<STRING, STRING>" },
    },
  },
  eventtime: STRING,
  eventsource: STRING,
  eventname: STRING,
  awsregion: STRING,
  sourceipaddress: STRING,
  useragent: STRING,
  errorcode: STRING,
  errormessage: STRING,
  requestparameters: STRING,
  responseelements: STRING,
  additionaleventdata: STRING,
  requestid: STRING,
  eventid: STRING,
  readonly: STRING,
  resources: [{ arn: STRING, accountid: STRING, type: STRING }],
  eventtype: STRING,
  apiversion: STRING,
  recipientaccountid: STRING,
  serviceeventdetails: STRING,
  sharedeventid: STRING,
  vpcendpointid: STRING,
  vpcendpointaccountid: STRING,
  eventcategory: STRING,
  addendum: { reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING },
  sessioncredentialfromconsole: STRING,
  edgedevicedetails: STRING,
  tlsdetails: { tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING },
};

const isStruct = (t: HiveType): t is { readonly [member: string]: HiveType } =>
  typeof t === "object" && !Array.isArray(t);

/** A type on one line: `STRUCT<a: STRING, b: …>`, `ARRAY<…>`, or the scalar itself. */
function inline(t: HiveType): string {
  if (typeof t === "string") return t;
  if (!isStruct(t)) return `ARRAY<${inline(t[0])}>`;
  return `STRUCT<${Object.entries(t)
    .map(([name, member]) => `${name}: ${inline(member)}`)
    .join(", ")}>`;
}

/** A struct that holds another struct is written one member per line, indented; any other type on one line. */
function typeLines(t: HiveType, indent: string): string[] {
  if (!isStruct(t) || !Object.values(t).some(isStruct)) return [inline(t)];
  const members = Object.entries(t).map(([name, member], i, all) => {
    const [first = "", ...rest] = typeLines(member, `${indent}  `);
    const comma = i < all.length - 1 ? "," : "";
    return rest.length === 0
      ? [`${indent}  ${name}: ${first}${comma}`]
      : [`${indent}  ${name}: ${first}`, ...rest.slice(0, -1), `${rest.at(-1)}${comma}`];
  });
  return ["STRUCT<", ...members.flat(), `${indent}>`];
}

/** The column list of the CREATE TABLE statement, two spaces in, one column per line (nested structs indented). */
export function trailColumnsDdl(): string {
  return Object.entries(TRAIL_COLUMNS)
    .map(([name, type], i, all) => {
      const [first = "", ...rest] = typeLines(type, "  ");
      const comma = i < all.length - 1 ? "," : "";
      return [`  ${name} ${first}`, ...rest].join("\n") + comma;
    })
    .join("\n");
}

/** Whether a dotted path (`useridentity.sessioncontext.sessionissuer.arn`, `resources.arn`) names a column. */
export function hasTrailColumn(path: string): boolean {
  let type: HiveType | undefined = TRAIL_COLUMNS;
  for (const part of path.split(".")) {
    // An array's members are its element struct's (`resources.arn`).
    const struct: HiveType | undefined = Array.isArray(type) ? type[0] : type;
    type = struct !== undefined && isStruct(struct) ? struct[part] : undefined;
  }
  return type !== undefined;
}
