import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { parseAuthorizationDetails } from "../src/policy/imports/authorization-details.js";
import { applyAccountSnapshot } from "../src/policy/model/apply-import.js";
import { createPolicyCompiler } from "../src/policy/model/policy-compiler.js";
import { emptyModel } from "../src/policy/model/policy-model.js";
import { policySetFor } from "../src/policy/model/policy-set-for.js";
import {
  type AuthorizationDetailsShape,
  authorizationDetailsChunks,
} from "../test/support/authorization-details.js";
import { line, median } from "./report.js";

/**
 * `deniedby import iam FILE` without the store: stream a generated get-account-authorization-details file from
 * disk, validate every entry, apply the snapshot to a model and assemble every role's policy set (which compiles
 * every policy a role uses). Issue 13 asks for a realistic file of ≥ 500 roles and ≥ 1,000 policies under 10 s.
 */

const shapes: { label: string; shape: AuthorizationDetailsShape }[] = [
  {
    label: "realistic",
    shape: { roles: 600, users: 150, groups: 25, policies: 1200, documents: "encoded" },
  },
  {
    label: "large (x10)",
    shape: { roles: 6000, users: 1500, groups: 250, policies: 12000, documents: "encoded" },
  },
];

async function writeFile(path: string, shape: AuthorizationDetailsShape): Promise<number> {
  const out = createWriteStream(path);
  for (const chunk of authorizationDetailsChunks(shape))
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  out.end();
  await finished(out);
  return statSync(path).size;
}

async function importOnce(
  path: string,
): Promise<{ ms: number; cpu: number; roles: number; policies: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const { snapshot, problems } = await parseAuthorizationDetails(
    createReadStream(path, { highWaterMark: 1 << 16 }),
  );
  if (problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(problems.slice(0, 3))}`);
  const model = emptyModel();
  applyAccountSnapshot(model, snapshot, { source: "iam-import", at: new Date().toISOString(), ref: path });
  const compiler = createPolicyCompiler();
  let roles = 0;
  for (const entry of Object.values(model.principals)) {
    if (entry.type !== "role") continue;
    roles++;
    policySetFor(
      { kind: "role-session", arn: `${entry.arn}/s`, account: entry.account, roleArn: entry.arn },
      { model, compiler },
    );
  }
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - start,
    cpu: (used.user + used.system) / 1000,
    roles,
    policies: snapshot.policies.length,
  };
}

export async function benchPolicyImport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-policy-import-"));
  try {
    for (const { label, shape } of shapes) {
      const path = join(dir, `${label.replace(/\W+/g, "-")}.json`);
      const bytes = await writeFile(path, shape);
      const runs = label === "realistic" ? 5 : 1;
      const walls: number[] = [];
      const cpus: number[] = [];
      let last = { roles: 0, policies: 0 };
      let peak = 0;
      for (let run = 0; run < runs; run++) {
        const result = await importOnce(path);
        walls.push(result.ms);
        cpus.push(result.cpu);
        last = result;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      line(
        `policy-import ${label}: ${(bytes / 1e6).toFixed(1)} MB, ${last.roles} roles, ${last.policies} policies: ` +
          `${median(walls).toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU (median of ${runs}), ` +
          `${(bytes / 1e6 / (median(walls) / 1000)).toFixed(1)} MB/s, RSS after ${(peak / 1e6).toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
