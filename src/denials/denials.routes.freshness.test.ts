import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { tempDir } from "../../test/support/db.js";
import { ingestRecords, runStages } from "../../test/support/ingest.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { type Db, openDb } from "../db/client.js";
import { roleCatalog } from "../db/schema.js";
import { DenialList } from "./denials.schemas.js";

const ROLE = "arn:aws:iam::111122223333:role/checkout-task";
const denial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 6),
    eventTime: `2026-11-16T10:00:0${n}Z`,
    errorCode: "AccessDeniedException",
    errorMessage:
      "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/orders because no identity-based policy allows the dynamodb:GetItem action",
  });

const lambdaEntry = {
  roleArn: ROLE,
  accountId: "111122223333",
  roleName: "checkout-task",
  kind: "lambda",
  confidence: 0.95,
  kinds: JSON.stringify([{ kind: "lambda", confidence: 0.95, evidence: [] }]),
  dualUse: false,
  firstSeen: null,
  lastSeen: null,
};

/** The catalogue now says the role is a Lambda function's, whatever the trail suggested. */
function catalogueAsLambda(db: Db): void {
  db.insert(roleCatalog)
    .values(lambdaEntry)
    .onConflictDoUpdate({ target: roleCatalog.roleArn, set: lambdaEntry })
    .run();
}
const bothAsLambda = [
  { id: uuidFor(2, 6), kind: "lambda" },
  { id: uuidFor(1, 6), kind: "lambda" },
];

async function listed(app: ReturnType<typeof testApp>["app"]) {
  const res = await app.request("/v1/denials?limit=50");
  expect(res.status).toBe(200);
  return DenialList.parse(await res.json()).denials.map((d) => ({ id: d.eventId, kind: d.principal.kind }));
}

describe("GET /v1/denials reads what was committed last", () => {
  it("shows a denial and a catalogue change that another connection commits, on the next request", async () => {
    const path = join(tempDir(), "deniedby.db");
    const { app } = testApp({ DENIEDBY_DB: path }, { db: openDb({ path }) });
    // The other connection is a CLI ingest against the same file.
    const cli = openDb({ path });
    await ingestRecords(cli, [denial(1)]);
    await runStages(cli);
    const first = await listed(app);
    expect(first.map((d) => d.id)).toEqual([uuidFor(1, 6)]);
    expect(first[0]?.kind).not.toBe("lambda");

    await ingestRecords(cli, [denial(2)]);
    await runStages(cli);
    // After the ingest: its classify step rebuilds the catalogue from the trail.
    catalogueAsLambda(cli);
    expect(await listed(app)).toEqual(bothAsLambda);
    cli.$client.close();
  });

  it("shows pushed denials and a catalogue change made through the server's own connection", async () => {
    const { app, deps } = testApp();
    expect((await app.request("/v1/events", postJson(denial(1)))).status).toBe(200);
    const first = await listed(app);
    expect(first.map((d) => d.id)).toEqual([uuidFor(1, 6)]);
    expect(first[0]?.kind).not.toBe("lambda");

    expect((await app.request("/v1/events", postJson(denial(2)))).status).toBe(200);
    catalogueAsLambda(deps.db);
    expect(await listed(app)).toEqual(bothAsLambda);
  });
});
