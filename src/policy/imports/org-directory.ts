import { z } from "zod";
import { contentFrom, type PolicyContent } from "../model/policy-content.js";
import { orgPolicyIdPattern, orgTargetType } from "../trail/org-changes.js";
import type { OrgPolicyType, OrgTargetType } from "../trail/policy-change.js";
import type { ImportResult } from "./account-snapshot.js";
import { type ImportProblem, issueLines, PolicyImportError } from "./import.errors.js";

/**
 * An organisation directory as the script in docs/policies.md writes it with documented `aws organizations`
 * commands, each file the command's JSON output:
 *
 *   organization.json                  describe-organization
 *   roots.json                         list-roots
 *   ous/<parent-id>.json               list-organizational-units-for-parent --parent-id <parent-id>
 *   accounts/<parent-id>.json          list-accounts-for-parent --parent-id <parent-id>
 *   policies/<TYPE>.json               list-policies --filter SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY
 *   policy/<policy-id>.json            describe-policy --policy-id <policy-id>
 *   targets/<policy-id>.json           list-targets-for-policy --policy-id <policy-id>
 *
 * File names are built only from ids that match the Organizations id patterns, never from other file text.
 */

export const orgPolicyTypes: readonly OrgPolicyType[] = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"];

export interface OrgAccountSnapshot {
  id: string;
  name?: string;
  /** Root first, then each OU down to the account itself. */
  path: string[];
}

export interface OrgPolicySnapshot {
  id: string;
  name: string;
  type: OrgPolicyType;
  arn?: string;
  awsManaged: boolean;
  content: PolicyContent;
}

export interface OrgSnapshot {
  organizationId?: string;
  managementAccount?: string;
  roots: string[];
  /** Parent of each OU and account. */
  parents: Record<string, string>;
  accounts: OrgAccountSnapshot[];
  /** The policy types whose list was imported: the others stay unknown. */
  policyTypes: OrgPolicyType[];
  policies: OrgPolicySnapshot[];
  /** Policy ids attached to each root, OU and account. */
  attachments: Record<string, string[]>;
  /** What the directory left out (missing or bad files): the organisation's policies are then incomplete. */
  gaps: string[];
}

/** Reads a file of the directory by its relative path; undefined when it does not exist. */
export type ReadOrgFile = (path: string) => Promise<string | undefined>;

const Organization = z.object({
  Organization: z.object({ Id: z.string(), MasterAccountId: z.string().optional() }),
});
const Roots = z.object({ Roots: z.array(z.object({ Id: z.string() })) });
const Ous = z.object({ OrganizationalUnits: z.array(z.object({ Id: z.string() })) });
const Accounts = z.object({ Accounts: z.array(z.object({ Id: z.string(), Name: z.string().optional() })) });
const PolicyList = z.object({
  Policies: z.array(
    z.object({
      Id: z.string(),
      Name: z.string(),
      Arn: z.string().optional(),
      AwsManaged: z.boolean().optional(),
    }),
  ),
});
const Policy = z.object({ Policy: z.object({ Content: z.unknown() }) });
const Targets = z.object({ Targets: z.array(z.object({ TargetId: z.string() })) });

interface Walk {
  read: ReadOrgFile;
  problems: ImportProblem[];
}

async function readJson<T extends z.ZodType>(
  walk: Walk,
  path: string,
  schema: T,
): Promise<z.infer<T> | undefined> {
  const text = await walk.read(path);
  const problem = (issues: string[]) =>
    walk.problems.push({ code: "import.invalid_org_directory", place: path, issues });
  if (text === undefined) return void problem(["missing"]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return void problem([`not JSON: ${(error as Error).message}`]);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  return void problem(issueLines(parsed.error.issues));
}

/** Reads the directory into an org snapshot; files missing or bad are problems and their part stays unknown. */
export async function parseOrgDirectory(read: ReadOrgFile): Promise<ImportResult<OrgSnapshot>> {
  const walk: Walk = { read, problems: [] };
  const roots = await readJson(walk, "roots.json", Roots);
  if (!roots)
    throw new PolicyImportError(
      "import.invalid_org_directory",
      walk.problems.flatMap((p) => p.issues),
    );
  const org = await readJson(walk, "organization.json", Organization);
  const snapshot: OrgSnapshot = {
    ...(org ? { organizationId: org.Organization.Id } : {}),
    ...(org?.Organization.MasterAccountId ? { managementAccount: org.Organization.MasterAccountId } : {}),
    roots: [],
    parents: {},
    accounts: [],
    policyTypes: [],
    policies: [],
    attachments: {},
    gaps: [],
  };
  for (const { Id } of roots.Roots) {
    if (!validId(walk, "roots.json", Id, "root")) continue;
    snapshot.roots.push(Id);
    await walkParent(walk, snapshot, [Id]);
  }
  for (const type of orgPolicyTypes) await readPolicies(walk, snapshot, type);
  snapshot.gaps = walk.problems.map((p) => `${p.place}: ${p.issues.join("; ")}`);
  return { snapshot, problems: walk.problems };
}

function validId(walk: Walk, place: string, id: string, expected?: OrgTargetType): boolean {
  const type = orgTargetType(id);
  if (type !== undefined && (expected === undefined || type === expected)) return true;
  walk.problems.push({
    code: "import.invalid_org_directory",
    place,
    issues: [`not an organisation id: ${id}`],
  });
  return false;
}

async function walkParent(walk: Walk, snapshot: OrgSnapshot, path: string[]): Promise<void> {
  const parent = path.at(-1) ?? "";
  const accounts = await readJson(walk, `accounts/${parent}.json`, Accounts);
  for (const account of accounts?.Accounts ?? []) {
    if (!validId(walk, `accounts/${parent}.json`, account.Id, "account")) continue;
    snapshot.parents[account.Id] = parent;
    snapshot.accounts.push({
      id: account.Id,
      ...(account.Name ? { name: account.Name } : {}),
      path: [...path, account.Id],
    });
  }
  const ous = await readJson(walk, `ous/${parent}.json`, Ous);
  for (const ou of ous?.OrganizationalUnits ?? []) {
    // An OU listed twice would loop for ever.
    if (!validId(walk, `ous/${parent}.json`, ou.Id, "ou") || snapshot.parents[ou.Id] !== undefined) continue;
    snapshot.parents[ou.Id] = parent;
    await walkParent(walk, snapshot, [...path, ou.Id]);
  }
}

async function readPolicies(walk: Walk, snapshot: OrgSnapshot, type: OrgPolicyType): Promise<void> {
  const list = await readJson(walk, `policies/${type}.json`, PolicyList);
  if (!list) return;
  snapshot.policyTypes.push(type);
  for (const p of list.Policies) {
    if (!orgPolicyIdPattern.test(p.Id)) {
      walk.problems.push({
        code: "import.invalid_org_directory",
        place: `policies/${type}.json`,
        issues: [`not a policy id: ${p.Id}`],
      });
      continue;
    }
    const described = await readJson(walk, `policy/${p.Id}.json`, Policy);
    const content = described
      ? contentFrom(described.Policy.Content, `policy/${p.Id}.json`)
      : ({ state: "unknown", reason: `policy/${p.Id}.json was not imported` } as const);
    if (described && content.state === "unknown")
      walk.problems.push({
        code: "import.invalid_policy_document",
        place: `policy/${p.Id}.json`,
        issues: [content.reason],
      });
    snapshot.policies.push({
      id: p.Id,
      name: p.Name,
      type,
      ...(p.Arn ? { arn: p.Arn } : {}),
      awsManaged: p.AwsManaged ?? false,
      content,
    });
    const targets = await readJson(walk, `targets/${p.Id}.json`, Targets);
    for (const t of targets?.Targets ?? []) {
      if (!validId(walk, `targets/${p.Id}.json`, t.TargetId)) continue;
      snapshot.attachments[t.TargetId] = [...(snapshot.attachments[t.TargetId] ?? []), p.Id];
    }
  }
}
