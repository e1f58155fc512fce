import { HiveSQL, HiveSqlParserListener } from "dt-sql-parser";
import type {
  ColumnNameTypeConstraintContext,
  CreateTableStatementContext,
} from "dt-sql-parser/dist/lib/hive/HiveSqlParser.js";

/** The parts of a Glue `TableInput` that an Athena `CREATE EXTERNAL TABLE` statement determines. */
export interface GlueTableInput {
  name: string;
  description?: string;
  tableType: "EXTERNAL_TABLE";
  parameters: Record<string, string>;
  partitionKeys: { name: string; type: string }[];
  storageDescriptor: {
    columns: { name: string; type: string }[];
    location: string;
    inputFormat: string;
    outputFormat: string;
    serdeInfo: { serializationLibrary: string; parameters?: Record<string, string> };
  };
}

export class DdlError extends Error {
  readonly code = "infra.ddl_invalid";
  constructor(message: string) {
    super(message);
    this.name = "DdlError";
  }
}

/** A Hive string literal's value: quotes removed, backslash escapes undone. */
function unquote(literal: string | undefined): string {
  if (literal === undefined) throw new DdlError("expected a string literal");
  return literal.slice(1, -1).replace(/\\(.)/g, "$1");
}

type CreateTable = CreateTableStatementContext;
type ColumnDefinition = ColumnNameTypeConstraintContext;

/** Glue spells types in lower case without spaces: `struct<arn:string,type:string>`. */
const column = (c: ColumnDefinition) => ({
  name: c.columnNameCreate().getText().toLowerCase(),
  type: c.columnType().getText().toLowerCase(),
});

/**
 * Turns the one `CREATE EXTERNAL TABLE` statement of `ddl` (Athena's Hive DDL, as `deniedby athena ddl` prints it)
 * into the Glue table definition Athena would register for it, so that CloudFormation can create the table the
 * statement describes without a second copy of the DDL. Parsed with dt-sql-parser's Hive grammar: a statement it
 * cannot parse, or one that is not an external table with a SerDe, input/output format and location, is an error.
 */
export function glueTableFromDdl(ddl: string): GlueTableInput {
  const hive = new HiveSQL();
  const errors = hive.validate(ddl);
  if (errors.length > 0)
    throw new DdlError(
      `the DDL is not valid Hive: ${errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`).join("; ")}`,
    );
  const found: CreateTable[] = [];
  const listener = new (class extends HiveSqlParserListener {
    override enterCreateTableStatement = (ctx: CreateTable) => {
      found.push(ctx);
    };
  })();
  hive.listen(listener, hive.parse(ddl));
  const [create] = found;
  if (create === undefined || found.length > 1)
    throw new DdlError("expected exactly one CREATE TABLE statement");
  if (create.KW_EXTERNAL() === null) throw new DdlError("expected an EXTERNAL table");

  const columns = (create.columnNameTypeOrConstraintList()?.columnNameTypeOrConstraint() ?? [])
    .map((c) => c.columnNameTypeConstraint())
    .filter((c): c is ColumnDefinition => c !== null)
    .map(column);
  const partitionKeys = (
    create.createTablePartitionSpec()?.createTablePartitionColumnTypeSpec()?.columnNameTypeConstraint() ?? []
  ).map(column);
  const serde = create.tableRowFormat()?.rowFormatSerde();
  const format = create.tableFileFormat();
  const location = create.locationPath();
  if (!serde || !format || !location)
    throw new DdlError("expected ROW FORMAT SERDE, STORED AS INPUTFORMAT … OUTPUTFORMAT and LOCATION");
  const properties = Object.fromEntries(
    (
      create
        .tablePropertiesPrefixed()
        ?.tableProperties()
        .tablePropertiesList()
        .keyValuePropertyList()
        ?.keyValueProperty() ?? []
    ).map((p) => [unquote(p.StringLiteral(0)?.getText()), unquote(p.StringLiteral(1)?.getText())]),
  );
  const serdeProperties = Object.fromEntries(
    (serde.tableProperties()?.tablePropertiesList().keyValuePropertyList()?.keyValueProperty() ?? []).map(
      (p) => [unquote(p.StringLiteral(0)?.getText()), unquote(p.StringLiteral(1)?.getText())],
    ),
  );
  const comment = create.tableComment()?.StringLiteral().getText();
  return {
    name: create.tableNameCreate().getText().toLowerCase(),
    ...(comment !== undefined ? { description: unquote(comment) } : {}),
    tableType: "EXTERNAL_TABLE",
    parameters: { EXTERNAL: "TRUE", ...properties },
    partitionKeys,
    storageDescriptor: {
      columns,
      location: unquote(location.StringLiteral().getText()),
      inputFormat: unquote(format.StringLiteral(0)?.getText()),
      outputFormat: unquote(format.StringLiteral(1)?.getText()),
      serdeInfo: {
        serializationLibrary: unquote(serde.StringLiteral().getText()),
        ...(Object.keys(serdeProperties).length > 0 ? { parameters: serdeProperties } : {}),
      },
    },
  };
}
