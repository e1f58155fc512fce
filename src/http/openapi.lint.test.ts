import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";

const root = resolve(import.meta.dirname, "../..");

interface Operation {
  operationId?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

describe("the OpenAPI document", () => {
  it("lints clean with Redocly's recommended rules, strict (npm run lint:openapi)", () => {
    const run = spawnSync("npm", ["run", "--silent", "lint:openapi"], { cwd: root, encoding: "utf8" });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain("Your API description is valid");
  }, 120_000);

  it("names every operation, says which are open, and documents 413 and 415 where a body is read", async () => {
    const { app } = testApp({ DENIEDBY_PUBLIC_URL: "https://deniedby.example.org/" });
    const doc = (await (await app.request("/openapi.json")).json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(doc.servers).toEqual([expect.objectContaining({ url: "https://deniedby.example.org" })]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        ids.add(op.operationId ?? "");
        const open = ["/healthz", "/readyz", "/metrics", "/v1/slack/commands"].includes(path);
        expect(op.security, where).toEqual(open ? [] : [{ bearer: [] }]);
        if (op.requestBody?.content["application/json"])
          expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(["413", "415"]));
      }
    expect(ids.size).toBe(Object.values(doc.paths).flatMap((item) => Object.keys(item)).length);
  });
});
