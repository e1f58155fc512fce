import {
  ecsName,
  registeredDefinition,
  serviceDefinition,
  type TaskDefinitionRef,
  taskDefinitionRef,
} from "../cloudtrail/ecs-task-records.js";
import type { Db } from "../db/client.js";
import type { FindFilters } from "../db/denial-pages.repository.js";
import { ecsRecordsNaming, roleArnsNamed } from "../db/ecs-tasks.repository.js";
import { InvalidInputError } from "../shared/errors.js";
import { parseJson } from "../shared/json.js";

/** What on-call has in hand, as the API's query and the command's flags give it (already checked for shape). */
export interface FindQuery {
  session?: string | undefined;
  taskDefinition?: string | undefined;
  service?: string | undefined;
  cluster?: string | undefined;
  text?: string | undefined;
}

/** Stored ECS management records of `eventNames` that may name any of `texts`, parsed. */
function records(db: Db, eventNames: readonly string[], texts: readonly string[]): unknown[] {
  return ecsRecordsNaming(db, eventNames, texts).flatMap((raw) => {
    const parsed = parseJson(raw);
    return parsed.ok ? [parsed.value] : [];
  });
}

/**
 * The task roles of the given task definitions (a reference without a revision means every revision), as role
 * ARNs: RegisterTaskDefinition names the role by ARN or by name, and a name is looked up in the catalogue.
 */
function taskRolesOf(db: Db, refs: readonly TaskDefinitionRef[]): string[] {
  const arns = new Set<string>();
  const named: { accountId: string | null; roleName: string }[] = [];
  const families = [...new Set(refs.map((r) => r.family))];
  for (const record of records(db, ["RegisterTaskDefinition"], families)) {
    const reg = registeredDefinition(record);
    const wanted =
      reg && refs.some((r) => r.family === reg.family && (r.revision ?? reg.revision) === reg.revision);
    if (!reg || !wanted) continue;
    if (reg.taskRole.startsWith("arn:")) arns.add(reg.taskRole);
    else named.push({ accountId: reg.accountId, roleName: reg.taskRole });
  }
  for (const arn of roleArnsNamed(db, named)) arns.add(arn);
  return [...arns];
}

/** The task definitions the services that `matches` picks run, as CreateService/UpdateService records name them. */
function definitionsOfServices(
  db: Db,
  text: string,
  matches: (s: { service: string; cluster: string }) => boolean,
): TaskDefinitionRef[] {
  return records(db, ["CreateService", "UpdateService"], [text]).flatMap((record) => {
    const s = serviceDefinition(record);
    return s?.definition && matches(s) ? [s.definition] : [];
  });
}

function definitionFilter(db: Db, text: string): NonNullable<FindFilters["taskDefinition"]> {
  const ref = taskDefinitionRef(text);
  if (!ref)
    throw new InvalidInputError(
      "taskDefinition",
      "taskDefinition: expected family, family:revision or a task definition ARN",
    );
  return { ...ref, roleArns: taskRolesOf(db, [ref]) };
}

/**
 * The find filters as the store takes them: a task ARN becomes its ID (what a task role's session is named), a
 * service or cluster ARN its name, and each task attribute gains the task roles that carry it (through the task
 * definitions and services the trail registered), for denials whose task the store does not know.
 */
export function resolveFindFilters(db: Db, q: FindQuery): FindFilters {
  const out: FindFilters = {};
  if (q.session) out.session = ecsName(q.session);
  if (q.taskDefinition) out.taskDefinition = definitionFilter(db, q.taskDefinition);
  if (q.service) {
    const name = ecsName(q.service);
    out.service = {
      name,
      roleArns: taskRolesOf(
        db,
        definitionsOfServices(db, name, (s) => s.service === name),
      ),
    };
  }
  if (q.cluster) {
    const name = ecsName(q.cluster);
    const defs = definitionsOfServices(db, name, (s) => s.cluster === name);
    out.cluster = { names: [...new Set([name, q.cluster])], roleArns: taskRolesOf(db, defs) };
  }
  if (q.text) out.text = q.text;
  return out;
}
