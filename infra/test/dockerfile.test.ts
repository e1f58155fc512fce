import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { healthProbe } from "../lib/service.js";

/**
 * The image cannot be built here (no Docker engine): these tests read the Dockerfile with a real parser and check
 * what the issue asks of it. What was verified by running its steps by hand is in infra/README.md.
 */
const root = resolve(import.meta.dirname, "../..");
const dockerfile = DockerfileParser.parse(readFileSync(resolve(root, "Dockerfile"), "utf8"));
const ignore = readFileSync(resolve(root, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

const args = Object.fromEntries(
  dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName(), a.getProperty()?.getValue()]),
);

/** The instructions of each stage, by stage name. */
const stages = new Map<string, Instruction[]>();
let current: Instruction[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === "FROM") {
    current = [];
    stages.set(instruction.getArgumentsContent()?.split(/\s+AS\s+/i)[1] ?? "", current);
  }
  current.push(instruction);
}
const stage = (name: string) => stages.get(name) ?? [];
const keyword = (list: Instruction[], k: string) => list.filter((i) => i.getKeyword() === k);
const content = (i: Instruction | undefined) => i?.getArgumentsContent() ?? "";
const runtime = stage("runtime");
const last = (k: string) => keyword(dockerfile.getInstructions(), k).at(-1);

describe("the Dockerfile", () => {
  it("builds on Node 20 slim pinned by digest, and pins Litestream by digest too", () => {
    expect(args.NODE_IMAGE).toMatch(/^node:20(\.\d+){0,2}-(bookworm-)?slim@sha256:[0-9a-f]{64}$/);
    expect(args.LITESTREAM_IMAGE).toMatch(/^litestream\/litestream:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    const froms = dockerfile.getFROMs().map((f) => [content(f), f.getBuildStage()]);
    expect(froms).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile ARG references, not JS templates
      ["${LITESTREAM_IMAGE} AS litestream", "litestream"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile ARG references, not JS templates
      ["${NODE_IMAGE} AS build", "build"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile ARG references, not JS templates
      ["${NODE_IMAGE} AS runtime", "runtime"],
    ]);
  });

  it("installs every dependency and builds better-sqlite3 and the service in the build stage, then prunes dev dependencies", () => {
    const runs = keyword(stage("build"), "RUN").map(content);
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes("--omit"))).toBe(true);
    expect(runs).toContain("npm rebuild better-sqlite3");
    const build = runs.find((r) => r.includes("npm run build")) ?? "";
    expect(build).toMatch(/npm run build && npm prune --omit=dev/);
    expect(runs.some((r) => /\bg\+\+/.test(r))).toBe(true);
  });

  it("runs with the build stage's pruned node_modules and compiled dist only: no install, no sources, no tests", () => {
    const copies = keyword(runtime, "COPY").map(content);
    expect(copies).toEqual(expect.arrayContaining(["/app/node_modules ./node_modules", "/app/dist ./dist"]));
    const fromBuild = dockerfile
      .getCOPYs()
      .filter((c) => runtime.includes(c) && c.getFromFlag()?.getValue() === "build");
    expect(fromBuild.map(content)).toEqual(["/app/node_modules ./node_modules", "/app/dist ./dist"]);
    expect(keyword(runtime, "RUN").map(content).join("\n")).not.toMatch(/\bnpm\b/);
    for (const source of copies.map((c) => c.split(/\s+/)[0]))
      expect(["src", "test", "infra", "bench", "tsconfig.json"]).not.toContain(source);
  });

  it("runs as a non-root user that owns the /data volume where the database lives", () => {
    const user = content(last("USER"));
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const [uid] = user.split(":");
    expect(keyword(runtime, "RUN").map(content)).toContain(`mkdir -p /data && chown ${user} /data`);
    expect(uid).toMatch(/^\d+$/);
    expect(content(last("VOLUME"))).toBe('["/data"]');
    expect(content(last("ENV"))).toMatch(/DENIEDBY_DB=\/data\/deniedby\.db/);
    const order = runtime.map((i) => i.getKeyword());
    expect(order.lastIndexOf("USER")).toBeGreaterThan(order.lastIndexOf("RUN"));
  });

  it("checks /healthz with the same probe as the ECS task definition", () => {
    const healthcheck = last("HEALTHCHECK");
    const text = content(healthcheck);
    expect(text.startsWith("CMD [")).toBe(true);
    expect(JSON.parse(text.slice("CMD ".length))).toEqual(["node", "-e", healthProbe]);
    expect(healthProbe).toContain("/healthz");
  });

  it("starts node itself as PID 1 in exec form, so SIGTERM reaches deniedby's graceful shutdown", () => {
    expect(content(last("STOPSIGNAL"))).toBe("SIGTERM");
    expect(content(last("ENTRYPOINT"))).toBe("[]");
    expect(JSON.parse(content(last("CMD")))).toEqual(["node", "dist/index.js"]);
    const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
      scripts: { start: string };
    };
    // npm start runs the same command, exec'd: npm forwards SIGTERM to its child, which must be node, not a shell.
    expect(pkg.scripts.start).toBe("exec node dist/index.js");
  });
});

describe(".dockerignore", () => {
  it("leaves everything out of the build context except what the Dockerfile copies", () => {
    expect(ignore[0]).toBe("*");
    const sources = dockerfile
      .getCOPYs()
      .filter((c) => c.getFromFlag() === null)
      .flatMap((c) => content(c).split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(ignore, source).toContain(`!${source}`);
    expect(ignore).toContain("src/**/*.test.ts");
  });
});
