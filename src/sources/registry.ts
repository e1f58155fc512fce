import { athenaDefinition } from "./athena/athena.definition.js";
import { ecsAuditDefinition } from "./ecs-agent-audit/ecs-audit.definition.js";
import { filesDefinition } from "./files/files.definition.js";
import { lookupEventsDefinition } from "./lookup-events/lookup-events.definition.js";
import { s3Definition } from "./s3/s3.definition.js";
import { type LiveSource, type SourceContext, type SourceDefinition, SourceOptionError } from "./source.js";
import { sqsDefinition } from "./sqs/sqs.definition.js";

/**
 * Every kind of input deniedby reads, in the order `deniedby ingest --help` lists them: the server polls the live
 * sources of each, and `deniedby ingest --from <name>` reads any of them once. Adding a source is a folder under
 * src/sources/ and one line here.
 */
export const sourceRegistry: readonly SourceDefinition[] = [
  filesDefinition,
  s3Definition,
  sqsDefinition,
  lookupEventsDefinition,
  athenaDefinition,
  ecsAuditDefinition,
];

export function findSource(name: string): SourceDefinition | undefined {
  return sourceRegistry.find((d) => d.name === name);
}

/**
 * The source of `deniedby ingest PATH...` without `--from`: the one that claims the paths (s3:// URIs), else files.
 * Paths of two sources cannot be read in one run.
 */
export function sourceForPaths(paths: string[]): SourceDefinition {
  for (const d of sourceRegistry) {
    const claimed = paths.filter((p) => d.claims?.(p) === true);
    if (claimed.length === 0) continue;
    if (claimed.length < paths.length)
      throw new SourceOptionError(
        `${d.name} paths (${claimed[0]}) and other paths cannot be read in one run`,
      );
    return d;
  }
  return filesDefinition;
}

/** The sources the server polls, as the configuration enables them. */
export function liveSources(context: SourceContext): LiveSource[] {
  return sourceRegistry.flatMap((d) => d.live?.(context) ?? []);
}
