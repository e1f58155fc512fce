import type { Store } from "../db/store.js";
import {
  type AccountSnapshot,
  type ImportProblem,
  type OrgSnapshot,
  parseAuthorizationDetails,
  parseOrgDirectory,
  parseResourcePolicy,
  type ReadOrgFile,
} from "../policy/index.js";
import { refreshPolicyModel } from "./policy-model.js";

/**
 * The imports a user runs once (`deniedby import iam|org|resource-policy`): parse (src/policy/imports), then store
 * the snapshot with where it came from and when its data was captured. Importing the same data again stores
 * nothing; entries the parser set aside are reported and kept with the import, the good ones are stored.
 */

export interface ImportPlace {
  /** The file or directory read, for answers to cite. */
  ref: string;
  /** When the data was captured (epoch ms): trail changes after it apply over it. */
  capturedAt: number;
  /** Now (epoch ms), from the caller's clock. */
  now: number;
}

export interface ImportOutcome {
  kind: "iam" | "org" | "org-none" | "resource-policy";
  /** The stored import's id, or null when nothing could be stored. */
  id: number | null;
  /** False when the same data was imported before (nothing written). */
  created: boolean;
  subject: string;
  ref: string;
  capturedAt: string;
  /** What the import holds: roles, users, groups, policies; accounts, OUs, SCPs, RCPs; statements. */
  counts: Record<string, number>;
  problems: ImportProblem[];
}

async function store(
  s: Store,
  kind: ImportOutcome["kind"],
  subject: string,
  snapshot: unknown,
  problems: ImportProblem[],
  place: ImportPlace,
  counts: Record<string, number>,
): Promise<ImportOutcome> {
  const saved = await s.write(() =>
    s.policies.saveImport({
      kind,
      subject,
      ref: place.ref,
      capturedAt: place.capturedAt,
      importedAt: place.now,
      snapshot: JSON.stringify(snapshot ?? null),
      problems: JSON.stringify(problems),
    }),
  );
  if (saved.created) refreshPolicyModel(s);
  const capturedAt = new Date(saved.import.capturedAt).toISOString();
  return {
    kind,
    id: saved.import.id,
    created: saved.created,
    subject,
    ref: saved.import.ref,
    capturedAt,
    counts,
    problems,
  };
}

function nothing(kind: ImportOutcome["kind"], place: ImportPlace, problems: ImportProblem[]): ImportOutcome {
  const capturedAt = new Date(place.capturedAt).toISOString();
  return { kind, id: null, created: false, subject: "", ref: place.ref, capturedAt, counts: {}, problems };
}

function accountCounts(snapshot: AccountSnapshot): Record<string, number> {
  const of = (type: string) => snapshot.principals.filter((p) => p.type === type).length;
  return { roles: of("role"), users: of("user"), groups: of("group"), policies: snapshot.policies.length };
}

/** `deniedby import iam FILE`: get-account-authorization-details output, read from chunks as they come. */
export async function importAuthorizationDetails(
  s: Store,
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  place: ImportPlace,
): Promise<ImportOutcome> {
  const { snapshot, problems } = await parseAuthorizationDetails(chunks);
  if (snapshot.principals.length === 0 && snapshot.policies.length === 0)
    return nothing("iam", place, problems);
  return store(s, "iam", snapshot.accounts.join(","), snapshot, problems, place, accountCounts(snapshot));
}

function orgCounts(snapshot: OrgSnapshot): Record<string, number> {
  const ofType = (type: string) => snapshot.policies.filter((p) => p.type === type).length;
  return {
    accounts: snapshot.accounts.length,
    ous: Object.keys(snapshot.parents).filter((id) => id.startsWith("ou-")).length,
    scps: ofType("SERVICE_CONTROL_POLICY"),
    rcps: ofType("RESOURCE_CONTROL_POLICY"),
  };
}

/** `deniedby import org DIR`: the directory the script of docs/policies.md writes. */
export async function importOrgDirectory(
  s: Store,
  read: ReadOrgFile,
  place: ImportPlace,
): Promise<ImportOutcome> {
  const { snapshot, problems } = await parseOrgDirectory(read);
  return store(s, "org", "organization", snapshot, problems, place, orgCounts(snapshot));
}

/** `deniedby import org --none`: the accounts are in no organisation, so no SCP or RCP applies. */
export function importNoOrganization(s: Store, place: ImportPlace): Promise<ImportOutcome> {
  return store(s, "org-none", "organization", null, [], place, {});
}

/** `deniedby import resource-policy ARN FILE`: one resource's policy (throws `import.invalid_resource_policy`). */
export function importResourcePolicy(
  s: Store,
  input: { arn: string; text: string; account?: string },
  place: ImportPlace,
): Promise<ImportOutcome> {
  const snapshot = parseResourcePolicy(input.arn, input.text, input.account);
  const statements =
    snapshot.content.state === "known" ? [snapshot.content.document.Statement].flat().length : 0;
  return store(s, "resource-policy", snapshot.arn, snapshot, [], place, { statements });
}
