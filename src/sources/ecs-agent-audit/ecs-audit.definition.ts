import { checkPaths } from "../files/each-file.js";
import type { SourceDefinition } from "../source.js";
import { ecsAuditSource } from "./ecs-audit.source.js";

export const ecsAuditDefinition: SourceDefinition = {
  name: "ecs-audit",
  usage: "--from ecs-audit PATH...",
  help:
    "--from ecs-audit reads ECS container agents' credential audit logs (/var/log/ecs/audit.log*, files or\n" +
    "directories of them): which task and container instance fetched its task or execution role's credentials.",
  paths: true,
  options: {},
  once(_context, { paths }) {
    checkPaths(paths, "audit logs");
    return [ecsAuditSource(paths)];
  },
};
