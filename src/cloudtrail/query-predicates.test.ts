import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { datasetsPresent, readDatasetRecords } from "../../test/support/datasets.js";
import { type SqlRow, sqlPredicate } from "../../test/support/sql-predicate.js";
import { denialCodes, isDenial } from "./denial.js";
import { evidenceEventNames, evidenceEventOf, SERVICE_ASSUME_ROLE } from "./evidence-events.js";
import { denialPredicate, evidencePredicate, withGeneratedBlocks } from "./query-predicates.js";

const queries = new URL("../../queries/", import.meta.url);
const sqlOf = (name: string) => readFileSync(new URL(name, queries), "utf8");

describe("the generated blocks of queries/*.sql", () => {
  it.each(readdirSync(queries).filter((n) => n.endsWith(".sql")))(
    "%s holds them as src/cloudtrail renders them (npm run queries:sync rewrites them)",
    (name) => {
      const sql = sqlOf(name);
      expect(withGeneratedBlocks(sql)).toBe(sql);
    },
  );

  it.each([
    ["denials.sql", ["denial"]],
    ["evidence.sql", ["evidence"]],
    ["usage-daily.sql", ["denial", "evidence"]],
  ])("%s applies the rules %j", (name, blocks) => {
    for (const block of blocks) expect(sqlOf(name)).toContain(`-- begin generated: ${block} `);
  });

  it("evidence.sql keeps only successful calls, as isEvidence does", () => {
    expect(sqlOf("evidence.sql")).toContain(
      "AND coalesce(errorcode, '') = ''\n  AND (\n    -- begin generated: evidence",
    );
  });

  it("fails on a block whose name nothing renders", () => {
    expect(() => withGeneratedBlocks("-- begin generated: nope\n-- end generated: nope")).toThrow(/nope/);
  });
});

describe("the denial block, evaluated as Athena would, agrees with isDenial", () => {
  const athena = sqlPredicate(denialPredicate().join("\n"));
  const iam =
    "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: x";
  const cases: [string | null, string | null][] = [
    ...denialCodes.map((code): [string, null] => [code, null]),
    [null, iam],
    ["", iam],
    ["NotAuthorizedException", "Incorrect username or password."],
    ["NotAuthorizedException", iam],
    [
      "NotAuthorized",
      "because no identity-based policy allows the x action with an explicit deny in a policy",
    ],
    ["ExpiredTokenException", "The security token included in the request is expired"],
    ["ThrottlingException", iam],
    ["Client.InvalidVpcID.NotFound", null],
    ["ValidationException", iam],
    ["AuthorizationNotFound", null],
    ["Client.AuthorizationAlreadyExists", null],
    ["accessdenied", null],
    ["Client.UnauthorizedAccess", null],
    ["SomeServiceForbiddenError", null],
    ["InvalidRequest", "Access to KMS is not allowed"],
    ["InvalidRequest", "The request was denied due to a VPC endpoint policy"],
    ["InvalidRequest", "No such thing"],
    ["NoSuchKey", "Access Denied"],
    ["Conflict", "It's a quote's test"],
  ];

  it.each(cases)("errorcode %j, errormessage %j", (code, message) => {
    const row: SqlRow = { errorcode: code, errormessage: message };
    expect(athena(row)).toBe(isDenial(code ?? undefined, message ?? undefined));
  });

  it.skipIf(!datasetsPresent)("on every error code and message of the shared datasets", () => {
    const seen = new Set<string>();
    let checked = 0;
    for (const r of readDatasetRecords() as { errorCode?: string; errorMessage?: string }[]) {
      if (!r.errorCode) continue;
      const key = `${r.errorCode}\n${r.errorMessage ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checked++;
      const row: SqlRow = { errorcode: r.errorCode, errormessage: r.errorMessage ?? null };
      expect(athena(row), key).toBe(isDenial(r.errorCode, r.errorMessage));
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe("the evidence block, evaluated as Athena would, agrees with evidenceEventOf", () => {
  const athena = sqlPredicate(evidencePredicate().join("\n"));
  const split = (name: string) => name.split(":") as [string, string];
  const cases: [string, string, string][] = [
    ...evidenceEventNames.map((n): [string, string, string] => [
      `${split(n)[0]}.amazonaws.com`,
      split(n)[1],
      "AWSService",
    ]),
    ["sts.amazonaws.com", "AssumeRole", "AssumedRole"],
    ...[
      "CreateFunction20150331",
      "UpdateFunctionConfiguration20150331v2",
      "AddPermission20150331v2",
      "RemovePermission",
      "CreateFunctionUrlConfig20211031",
      "UpdateFunctionCode20150331v2",
      "Invoke",
    ].map((name): [string, string, string] => ["lambda.amazonaws.com", name, "AssumedRole"]),
    ["ecs.amazonaws.com", "DescribeTasks", "AssumedRole"],
    ["iam.amazonaws.com", "GetRole", "AssumedRole"],
  ];

  it.each(cases)("%s %s by %s", (source, name, type) => {
    const event = evidenceEventOf({ eventSource: source, eventName: name });
    const expected = event !== null && (event !== SERVICE_ASSUME_ROLE || type === "AWSService");
    expect(athena({ eventsource: source, eventname: name, "useridentity.type": type })).toBe(expected);
  });
});
