import type { Readable } from "node:stream";
import { eachFile } from "../files/each-file.js";
import type { Source, SourceItem } from "../source.js";
import { parseAuditLine } from "./audit-line.js";

/** The `source` of what the audit log brings. */
export const ECS_AUDIT_SOURCE = "ecs-audit";

/** `audit.log`, and its rotations `audit.log.YYYY-MM-DD-HH` (plain or gzipped by a log shipper). */
export function isAuditLogName(name: string): boolean {
  return /^audit\.log(\.\d{4}-\d{2}-\d{2}-\d{2})?(\.gz)?$/.test(name);
}

/**
 * A file's lines as items: requests, and what does not parse as a request quarantined with its text. Identical lines
 * are told apart by how many came before them in the file.
 */
function auditReader(location: string) {
  let pending = "";
  let number = 0;
  const seen = new Map<string, number>();
  const items = (lines: string[]): SourceItem[] =>
    lines.flatMap((raw): SourceItem[] => {
      number++;
      if (raw.trim() === "") return [];
      const place = { location, position: `line ${number}` };
      const parsed = parseAuditLine(raw);
      if (!parsed.ok)
        return [{ kind: "reject", reason: "audit.line_invalid", detail: parsed.detail, raw, place }];
      const occurrence = seen.get(raw) ?? 0;
      seen.set(raw, occurrence + 1);
      return [{ kind: "credential-request", request: parsed.request, raw, occurrence, place }];
    });
  return {
    push(text: string) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      return items(lines);
    },
    end() {
      const last = pending;
      pending = "";
      return items(last === "" ? [] : [last]);
    },
  };
}

/**
 * The ECS container agent's credential audit logs of container instances: files, directories (only `audit.log*`
 * files in them) or '-'. Like the file source, a file read to the end is skipped while its size and mtime are the
 * same; a grown `audit.log` is read again and the requests already stored are recognised by their line and
 * occurrence.
 */
export function ecsAuditSource(paths: string[], options: { stdin?: Readable } = {}): Source<void> {
  return {
    name: ECS_AUDIT_SOURCE,
    read: ({ progress }) =>
      eachFile({ paths, accept: isAuditLogName, progress, stdin: options.stdin, reader: auditReader }),
  };
}
