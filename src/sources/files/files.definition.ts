import { existsSync } from "node:fs";
import { type SourceDefinition, SourceOptionError } from "../source.js";
import { fileSource } from "./files.source.js";

export const filesDefinition: SourceDefinition = {
  name: "files",
  usage: "[--from files] PATH...",
  help:
    "Reads CloudTrail from files and directories (recursively; S3 export trees, .json, .json.gz, JSON-lines, JSON\n" +
    "arrays, EventBridge events) or '-' for standard input.",
  paths: true,
  options: {},
  once(_context, { paths }) {
    if (paths.length === 0)
      throw new SourceOptionError("no input: give one or more files, directories, or -");
    const missing = paths.filter((p) => p !== "-" && !existsSync(p));
    if (missing.length > 0) throw new SourceOptionError(`no such file or directory: ${missing.join(", ")}`);
    return [fileSource(paths)];
  },
};
