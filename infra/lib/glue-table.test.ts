import { describe, expect, it } from "vitest";
import { renderDdl } from "../../src/sources/athena/athena-ddl.js";
import { loadQueries } from "../../src/sources/athena/athena-queries.js";
import { DdlError, glueTableFromDdl } from "./glue-table.js";

const queries = loadQueries();

describe("glueTableFromDdl", () => {
  it("registers the single-account table as Athena would: columns, partitions, SerDe, formats, location, properties", () => {
    const ddl = renderDdl(queries, {
      bucket: "my-trail",
      accounts: ["111122223333"],
      regions: ["eu-west-1"],
    });
    const table = glueTableFromDdl(ddl);
    expect(table.name).toBe("cloudtrail_logs");
    expect(table.tableType).toBe("EXTERNAL_TABLE");
    expect(table.partitionKeys).toEqual([
      { name: "p_account", type: "string" },
      { name: "p_region", type: "string" },
      { name: "p_date", type: "string" },
    ]);
    const columns = Object.fromEntries(table.storageDescriptor.columns.map((c) => [c.name, c.type]));
    // The top-level columns, read from the statement a second, simpler way: two-space-indented `name TYPE` lines.
    const names = [...ddl.matchAll(/^ {2}([a-z]+) [A-Z]/gm)].map((m) => m[1]);
    expect(names).toHaveLength(29);
    expect(Object.keys(columns)).toEqual(names);
    expect(columns.eventid).toBe("string");
    expect(columns.resources).toBe("array<struct<arn:string,accountid:string,type:string>>");
    expect(columns.useridentity).toMatch(
      /^struct<type:string,principalid:string,.*sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>.*webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>$/,
    );
    expect(table.storageDescriptor).toMatchObject({
      location: "s3://my-trail/AWSLogs/111122223333/CloudTrail/",
      inputFormat: "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      serdeInfo: { serializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe" },
    });
    expect(table.parameters).toEqual({
      EXTERNAL: "TRUE",
      "projection.enabled": "true",
      "projection.p_account.type": "enum",
      "projection.p_account.values": "111122223333",
      "projection.p_region.type": "enum",
      "projection.p_region.values": "eu-west-1",
      "projection.p_date.type": "date",
      "projection.p_date.format": "yyyy/MM/dd",
      "projection.p_date.interval": "1",
      "projection.p_date.interval.unit": "DAYS",
      "projection.p_date.range": "2020/01/01,NOW",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's storage.location.template syntax
      "storage.location.template": "s3://my-trail/AWSLogs/${p_account}/CloudTrail/${p_region}/${p_date}",
    });
  });

  it("reads SerDe properties, escaped quotes and a table without partitions", () => {
    const table = glueTableFromDdl(`CREATE EXTERNAL TABLE t (a INT, b DECIMAL(10, 2))
      COMMENT 'it\\'s a test'
      ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')
      STORED AS INPUTFORMAT 'in' OUTPUTFORMAT 'out'
      LOCATION 's3://b/p/'`);
    expect(table).toEqual({
      name: "t",
      description: "it's a test",
      tableType: "EXTERNAL_TABLE",
      parameters: { EXTERNAL: "TRUE" },
      partitionKeys: [],
      storageDescriptor: {
        columns: [
          { name: "a", type: "int" },
          { name: "b", type: "decimal(10,2)" },
        ],
        location: "s3://b/p/",
        inputFormat: "in",
        outputFormat: "out",
        serdeInfo: {
          serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
          parameters: { "ignore.malformed.json": "true" },
        },
      },
    });
  });

  it("refuses DDL that is not valid Hive, not one external table, or lacks what Glue needs", () => {
    const cases = [
      "CREATE EXTERNAL TABLE t (a STRUCT<b: STRING) LOCATION 's3://x/'",
      "CREATE TABLE t (a INT) ROW FORMAT SERDE 's' STORED AS INPUTFORMAT 'i' OUTPUTFORMAT 'o' LOCATION 's3://x/'",
      "CREATE EXTERNAL TABLE t (a INT) LOCATION 's3://x/'",
      "SELECT 1",
    ];
    for (const ddl of cases) expect(() => glueTableFromDdl(ddl), ddl).toThrow(DdlError);
  });
});
