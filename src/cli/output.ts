import { DomainError } from "../shared/errors.js";
import { escapeTerminal } from "../shared/text-escape.js";

/** Writes a line to standard output / standard error (the CLI's only outputs; src/ has no console.log). */
export function out(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function err(line = ""): void {
  process.stderr.write(`${line}\n`);
}

/** A wrong command line: exit code 2 with the message and the command's usage. */
export class UsageError extends DomainError<"cli.usage"> {
  constructor(message: string) {
    super("cli.usage", message);
  }
}

/** Left-aligned columns, padded to the widest cell, for tables meant for people; cells are terminal-escaped. */
export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map(escapeTerminal));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export { formatNumber } from "../shared/format.js";
