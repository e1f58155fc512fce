import { opendir, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Expands paths into the files to read (in a directory, those `accept` takes: by default, names that can hold
 * CloudTrail JSON), in a stable order (sorted, depth-first) so that two runs over the same tree
 * read the same files in the same order. Directories are walked recursively, which covers S3 export trees
 * (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ and AWSLogs/<org-id>/<account>/…). Digest files under
 * CloudTrail-Digest/ only hold hashes of log files and are skipped, as are hidden files.
 */
export async function* expandPaths(
  paths: string[],
  accept: (name: string) => boolean = isLogFileName,
): AsyncGenerator<string> {
  for (const path of paths) {
    if (path === "-") {
      yield path;
      continue;
    }
    const info = await stat(path);
    if (info.isDirectory()) yield* walkDirectory(path, accept);
    else yield path;
  }
}

async function* walkDirectory(dir: string, accept: (name: string) => boolean): AsyncGenerator<string> {
  const entries: { name: string; isDir: boolean }[] = [];
  for await (const entry of await opendir(dir)) {
    if (entry.name.startsWith(".")) continue;
    // Follow symbolic links (a mounted or linked export tree) by what they point at.
    const isDirectory = entry.isSymbolicLink()
      ? (await stat(join(dir, entry.name)).catch(() => null))?.isDirectory()
      : entry.isDirectory();
    const isFile = entry.isSymbolicLink() ? isDirectory === false : entry.isFile();
    if (isDirectory) {
      if (entry.name !== "CloudTrail-Digest") entries.push({ name: entry.name, isDir: true });
    } else if (isFile && accept(entry.name)) entries.push({ name: entry.name, isDir: false });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDir) yield* walkDirectory(path, accept);
    else yield path;
  }
}

/** In a directory walk, only files that can hold CloudTrail JSON (explicitly named files are always read). */
function isLogFileName(name: string): boolean {
  return /\.(json|jsonl|ndjson|log)(\.gz)?$/i.test(name) || name.endsWith(".gz");
}
