import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { classifyRoles } from "../../src/classify/classify.js";
import { normaliseRecord, validateRecord } from "../../src/cloudtrail/normalise.js";
import { inputFromRecords } from "./store-input.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// ../shared/datasets beside the repository; DENIEDBY_DATASETS points elsewhere (e.g. from a git worktree).
const datasets = process.env.DENIEDBY_DATASETS ?? resolve(repo, "../shared/datasets");
const present = existsSync(datasets);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

/** Records of `{"Records": …}` files, JSON arrays and JSON lines (plain or wrapped in `record`), gzipped or not. */
function readRecords(): unknown[] {
  const out: unknown[] = [];
  for (const path of files(datasets)) {
    if (!/\.(json|jsonl)(\.gz)?$/.test(path)) continue;
    const text = (path.endsWith(".gz") ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString(
      "utf8",
    );
    if (/\.jsonl(\.gz)?$/.test(path)) {
      for (const line of text.split("\n")) if (line.trim()) out.push(JSON.parse(line));
      continue;
    }
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) out.push(...parsed);
    else if (
      typeof parsed === "object" &&
      parsed !== null &&
      Array.isArray((parsed as { Records?: unknown }).Records)
    )
      out.push(...((parsed as { Records: unknown[] }).Records ?? []));
  }
  return out;
}

const EC2_KINDS = new Set(["ec2-instance", "ecs-container-instance"]);

describe.skipIf(!present)(`shared datasets (${datasets})`, () => {
  const records = present ? readRecords() : [];
  const catalog = classifyRoles(inputFromRecords(records));
  const byArn = new Map(catalog.map((e) => [e.roleArn, e]));

  it("reads the datasets", () => {
    expect(records.length).toBeGreaterThan(3000);
  });

  it("gives an EC2 kind to every role with an i-… session carrying ec2RoleDelivery", () => {
    const roles = new Set<string>();
    for (const value of records) {
      const valid = validateRecord(value);
      if (!("record" in valid)) continue;
      const p = normaliseRecord(valid.record).principal;
      if (p.roleArn && p.ec2RoleDelivery && p.sessionName?.startsWith("i-")) roles.add(p.roleArn);
    }
    expect(roles.size).toBeGreaterThan(0);
    const wrong = [...roles].filter((arn) => !EC2_KINDS.has(byArn.get(arn)?.kinds[0]?.kind ?? ""));
    expect(wrong.map((arn) => `${arn}: ${byArn.get(arn)?.kinds[0]?.kind}`)).toEqual([]);
  });

  it("classifies every AWSReservedSSO_ role as sso", () => {
    const sso = catalog.filter((e) => e.roleName.startsWith("AWSReservedSSO_"));
    expect(sso.length).toBeGreaterThan(0);
    expect(sso.filter((e) => e.kinds[0]?.kind !== "sso").map((e) => e.roleArn)).toEqual([]);
  });
});

describe.skipIf(present)("shared datasets", () => {
  it.skip(`skipped: ${datasets} is absent (clone the shared datasets next to the repository to run these)`, () => {});
});
