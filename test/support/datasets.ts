import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** ../shared/datasets beside the repository; DENIEDBY_DATASETS points elsewhere (e.g. from a git worktree). */
export const datasets = process.env.DENIEDBY_DATASETS ?? resolve(repo, "../shared/datasets");
export const datasetsPresent = existsSync(datasets);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

/** Records of `{"Records": …}` files, JSON arrays and JSON lines (plain or wrapped in `record`), gzipped or not. */
export function readDatasetRecords(): unknown[] {
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
