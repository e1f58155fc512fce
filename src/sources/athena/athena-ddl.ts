import { DomainError } from "../../shared/errors.js";
import { isIdentifier, type Queries } from "./athena-queries.js";
import { trailColumnsDdl } from "./trail-table.js";

export class AthenaDdlInputError extends DomainError {
  constructor(message: string) {
    super("athena.ddl_invalid_input", message);
  }
}

/** Commercial regions, the default region projection when none is given. */
export const defaultRegions = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "sa-east-1",
];

export interface DdlInput {
  bucket: string;
  /** The trail's S3 key prefix, if it has one. */
  prefix?: string;
  /** Organisation trail: the organisation id; the accounts become the account projection. */
  orgId?: string;
  /** One account for a single-account trail; the member accounts (at least one) for an organisation trail. */
  accounts: string[];
  regions?: string[];
  table?: string;
  /** First day of the date projection, YYYY/MM/DD. */
  startDate?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*()/-]+$/;
const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const START = /^\d{4}\/\d{2}\/\d{2}$/;

/**
 * The CREATE TABLE statement for a user's trail bucket, to print and run once. DDL takes no ExecutionParameters and
 * this text is for a person to read, so the values are written in, each checked against a strict alphabet first
 * (no quote can reach the statement).
 */
export function renderDdl(queries: Queries, input: DdlInput): string {
  const table = input.table ?? "cloudtrail_logs";
  const regions = input.regions && input.regions.length > 0 ? input.regions : defaultRegions;
  const prefix = (input.prefix ?? "").replace(/^\/+|\/+$/g, "");
  const startDate = input.startDate ?? "2020/01/01";
  if (!BUCKET.test(input.bucket))
    throw new AthenaDdlInputError(`bad bucket name ${JSON.stringify(input.bucket)}`);
  if (prefix !== "" && !PREFIX.test(prefix))
    throw new AthenaDdlInputError(`bad prefix ${JSON.stringify(prefix)}`);
  if (!isIdentifier(table)) throw new AthenaDdlInputError(`bad table name ${JSON.stringify(table)}`);
  for (const a of input.accounts)
    if (!ACCOUNT.test(a)) throw new AthenaDdlInputError(`bad account id ${JSON.stringify(a)} (12 digits)`);
  for (const r of regions)
    if (!REGION.test(r)) throw new AthenaDdlInputError(`bad region ${JSON.stringify(r)}`);
  if (!START.test(startDate)) throw new AthenaDdlInputError("the start date must be YYYY/MM/DD");
  if (input.orgId !== undefined && !ORG.test(input.orgId))
    throw new AthenaDdlInputError(`bad organisation id ${JSON.stringify(input.orgId)} (o-…)`);
  const [account] = input.accounts;
  if (account === undefined)
    throw new AthenaDdlInputError(
      input.orgId
        ? "an organisation trail needs the member accounts (--account, repeated)"
        : "give the --account",
    );
  if (input.orgId === undefined && input.accounts.length > 1)
    throw new AthenaDdlInputError(
      "a single-account trail takes one --account; use --org-id for an organisation",
    );
  const values: Record<string, string> = {
    table,
    bucket: input.bucket,
    prefix: prefix === "" ? "" : `${prefix}/`,
    account,
    accounts: [...new Set(input.accounts)].join(","),
    org_id: input.orgId ?? "",
    regions: [...new Set(regions)].join(","),
    start_date: startDate,
    columns: trailColumnsDdl(),
  };
  const template = input.orgId !== undefined ? queries["cloudtrail-table-org"] : queries["cloudtrail-table"];
  return `${template.text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole)};`;
}
