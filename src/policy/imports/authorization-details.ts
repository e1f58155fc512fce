import { JSONParser, TokenType } from "@streamparser/json";
import type { z } from "zod";
import { contentFrom, type PolicyContent } from "../model/policy-content.js";
import type {
  AccountSnapshot,
  ImportResult,
  InlinePolicySnapshot,
  ManagedPolicySnapshot,
  PrincipalSnapshot,
} from "./account-snapshot.js";
import { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from "./authorization-details.schema.js";
import { type ImportProblem, issueLines, PolicyImportError } from "./import.errors.js";

/**
 * Reads `aws iam get-account-authorization-details` output as a stream: each entry of the four lists is parsed,
 * validated and converted as soon as it is complete, so a file of hundreds of MB never sits whole in memory. The
 * AWS CLI merges all pages into one object and decodes documents; the raw API's URL-encoded documents are read too.
 */

const lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"] as const;
type ListName = (typeof lists)[number];

interface Reader {
  snapshot: AccountSnapshot;
  problems: ImportProblem[];
  accounts: Set<string>;
  seen: Set<ListName>;
  truncated: boolean;
}

/** Reads the output from text or byte chunks (a file stream). Throws when the file is not this output at all. */
export async function parseAuthorizationDetails(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): Promise<ImportResult<AccountSnapshot>> {
  const reader: Reader = {
    snapshot: { accounts: [], principals: [], policies: [] },
    problems: [],
    accounts: new Set(),
    seen: new Set(),
    truncated: false,
  };
  const parser = new JSONParser({
    paths: [...lists.map((l) => `$.${l}.*`), "$.IsTruncated"],
    keepStack: false,
  });
  parser.onToken = topLevelKeys((key) => {
    if (lists.includes(key as ListName)) reader.seen.add(key as ListName);
  });
  parser.onValue = ({ value, key, stack }) => {
    if (key === "IsTruncated") reader.truncated = value === true;
    else readEntry(reader, stack[1]?.key, typeof key === "number" ? key : -1, value);
  };
  await feed(parser, chunks, reader);
  if (reader.seen.size === 0 && reader.problems.length === 0)
    throw new PolicyImportError("import.not_authorization_details", [
      `none of ${lists.join(", ")} found at the top level`,
    ]);
  if (reader.truncated)
    reader.problems.push({ code: "import.truncated_output", place: "IsTruncated", issues: ["true"] });
  reader.snapshot.accounts = [...reader.accounts].sort();
  return { snapshot: reader.snapshot, problems: reader.problems };
}

/** Calls back with each key of the root object (a file whose lists are all empty is still this output). */
function topLevelKeys(onKey: (key: string) => void): (token: { token: TokenType; value: unknown }) => void {
  let depth = 0;
  let rootIsObject = false;
  let expectKey = false;
  return ({ token, value }) => {
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      depth++;
      if (depth === 1) rootIsObject = expectKey = token === TokenType.LEFT_BRACE;
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--;
    else if (token === TokenType.COMMA && depth === 1) expectKey = rootIsObject;
    else if (token === TokenType.STRING && depth === 1 && expectKey) {
      expectKey = false;
      if (typeof value === "string") onKey(value);
    }
  };
}

async function feed(
  parser: JSONParser,
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  reader: Reader,
): Promise<void> {
  try {
    for await (const chunk of chunks) parser.write(chunk);
    // The parser ends by itself after the root value; end() on an unfinished one throws (the file ended early).
    if (!parser.isEnded) parser.end();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Entries read before the fault are kept; a file that was never JSON has none and is refused.
    if (reader.seen.size === 0) throw new PolicyImportError("import.invalid_json", [message]);
    reader.problems.push({ code: "import.invalid_json", place: "(file)", issues: [message] });
  }
}

function readEntry(reader: Reader, list: unknown, index: number, value: unknown): void {
  if (!lists.includes(list as ListName)) return;
  const name = list as ListName;
  const place = `${name}[${index}]`;
  const problems = (code: ImportProblem["code"], where: string, issues: string[]) =>
    reader.problems.push({ code, place: where, issues });
  const docs = documentReader(place, value, problems);
  if (name === "Policies") {
    const entry = validated(ManagedPolicyDetail, value, place, problems);
    if (entry) reader.snapshot.policies.push(policySnapshot(entry, docs));
    return;
  }
  const principal = principalEntry(name, value, place, docs, problems);
  if (!principal) return;
  reader.accounts.add(principal.account);
  reader.snapshot.principals.push(principal);
}

type ProblemSink = (code: ImportProblem["code"], place: string, issues: string[]) => void;
type DocumentReader = (value: unknown, where: string) => PolicyContent;

function nameOf(value: unknown): string {
  if (typeof value !== "object" || value === null) return "";
  const v = value as Record<string, unknown>;
  const name = v.RoleName ?? v.UserName ?? v.GroupName ?? v.PolicyName;
  return typeof name === "string" ? ` (${name})` : "";
}

/** Reads documents of one entry; a bad one is unknown content and a problem, the rest of the entry is kept. */
function documentReader(place: string, entry: unknown, problems: ProblemSink): DocumentReader {
  return (value, where) => {
    const content = contentFrom(value, where);
    if (content.state === "unknown")
      problems("import.invalid_policy_document", `${place}${nameOf(entry)}`, [content.reason]);
    return content;
  };
}

function validated<T extends z.ZodType>(
  schema: T,
  value: unknown,
  place: string,
  problems: ProblemSink,
): z.infer<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems(
    "import.invalid_authorization_details",
    `${place}${nameOf(value)}`,
    issueLines(parsed.error.issues),
  );
  return undefined;
}

const accountOf = (arn: string) => arn.split(":")[4] ?? "";

function inline(list: { PolicyName: string; PolicyDocument: unknown }[], docs: DocumentReader) {
  return list.map(
    (p, i): InlinePolicySnapshot => ({
      name: p.PolicyName,
      content: docs(p.PolicyDocument, `PolicyList[${i}]`),
    }),
  );
}

function tagsOf(tags: { Key: string; Value: string }[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

function principalEntry(
  list: Exclude<ListName, "Policies">,
  value: unknown,
  place: string,
  docs: DocumentReader,
  problems: ProblemSink,
): PrincipalSnapshot | undefined {
  if (list === "RoleDetailList") {
    const r = validated(RoleDetail, value, place, problems);
    if (!r) return undefined;
    return {
      ...common("role", r.Arn, r.RoleName, r.Path, r.RoleId),
      inlinePolicies: inline(r.RolePolicyList, docs),
      attachedPolicyArns: r.AttachedManagedPolicies.map((p) => p.PolicyArn),
      ...(r.PermissionsBoundary ? { boundaryArn: r.PermissionsBoundary.PermissionsBoundaryArn } : {}),
      tags: tagsOf(r.Tags),
      trust: docs(r.AssumeRolePolicyDocument, "AssumeRolePolicyDocument"),
      instanceProfileArns: r.InstanceProfileList.map((p) => p.Arn),
    };
  }
  if (list === "UserDetailList") {
    const u = validated(UserDetail, value, place, problems);
    if (!u) return undefined;
    const prefix = u.Arn.slice(0, u.Arn.indexOf(":user/"));
    return {
      ...common("user", u.Arn, u.UserName, u.Path, u.UserId),
      inlinePolicies: inline(u.UserPolicyList, docs),
      attachedPolicyArns: u.AttachedManagedPolicies.map((p) => p.PolicyArn),
      ...(u.PermissionsBoundary ? { boundaryArn: u.PermissionsBoundary.PermissionsBoundaryArn } : {}),
      tags: tagsOf(u.Tags),
      // GroupList names groups; names are unique in the account, so the path-less ARN names the group.
      groupArns: u.GroupList.map((g) => `${prefix}:group/${g}`),
    };
  }
  const g = validated(GroupDetail, value, place, problems);
  if (!g) return undefined;
  return {
    ...common("group", g.Arn, g.GroupName, g.Path, g.GroupId),
    inlinePolicies: inline(g.GroupPolicyList, docs),
    attachedPolicyArns: g.AttachedManagedPolicies.map((p) => p.PolicyArn),
    tags: {},
  };
}

function common(type: PrincipalSnapshot["type"], arn: string, name: string, path?: string, id?: string) {
  return { type, arn, name, path: path ?? "/", account: accountOf(arn), ...(id === undefined ? {} : { id }) };
}

function policySnapshot(p: ManagedPolicyDetail, docs: DocumentReader): ManagedPolicySnapshot {
  const defaultVersion = p.DefaultVersionId ?? p.PolicyVersionList.find((v) => v.IsDefaultVersion)?.VersionId;
  return {
    arn: p.Arn,
    name: p.PolicyName,
    path: p.Path ?? "/",
    account: accountOf(p.Arn),
    ...(defaultVersion === undefined ? {} : { defaultVersionId: defaultVersion }),
    versions: p.PolicyVersionList.map((v) => ({
      versionId: v.VersionId,
      isDefault: v.IsDefaultVersion,
      content: docs(v.Document, `PolicyVersionList[${v.VersionId}]`),
    })),
  };
}
