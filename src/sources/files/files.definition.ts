import type { SourceDefinition } from "../source.js";
import { checkPaths } from "./each-file.js";
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
    checkPaths(paths, "files");
    return [fileSource(paths)];
  },
};
