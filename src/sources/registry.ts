import { athenaDefinition } from "./athena/athena.definition.js";
import { ecsAuditDefinition } from "./ecs-agent-audit/ecs-audit.definition.js";
import { filesDefinition } from "./files/files.definition.js";
import { lookupEventsDefinition } from "./lookup-events/lookup-events.definition.js";
import type { LiveSource, SourceContext, SourceDefinition } from "./source.js";

/**
 * Every kind of input deniedby reads, in the order `deniedby ingest --help` lists them: the server polls the live
 * sources of each, and `deniedby ingest --from <name>` reads any of them once. Adding a source is a folder under
 * src/sources/ and one line here.
 */
export const sourceRegistry: readonly SourceDefinition[] = [
  filesDefinition,
  lookupEventsDefinition,
  athenaDefinition,
  ecsAuditDefinition,
];

export function findSource(name: string): SourceDefinition | undefined {
  return sourceRegistry.find((d) => d.name === name);
}

/** The sources the server polls, as the configuration enables them. */
export function liveSources(context: SourceContext): LiveSource[] {
  return sourceRegistry.flatMap((d) => d.live?.(context) ?? []);
}
