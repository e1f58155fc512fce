import { describe, expect, it } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { styleHash } from "./secure-headers.js";

const { app } = testApp();

/** Every path the app answers: each OpenAPI operation, the console's pages and assets, and errors. */
async function requests(): Promise<[string, RequestInit][]> {
  const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, object> };
  const api = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method): [string, RequestInit] => [
      path.replace(/\{[^}]+\}/g, "x"),
      method === "post" ? postJson({ Records: [] }) : { method: method.toUpperCase() },
    ]),
  );
  return [
    ...api,
    ["/openapi.json", {}],
    ["/", {}],
    ["/roles", {}],
    ["/sign-in", {}],
    ["/assets/console.css", {}],
    ["/assets/console.js", {}],
    ["/no/such/route", {}],
    ["/v1/denials?bogus=1", {}],
    ["/v1/events", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }],
  ];
}

describe("security headers", () => {
  it("are on every response, with one Content-Security-Policy for the API, the console and errors", async () => {
    const policies = new Set<string>();
    const all = await requests();
    expect(all.length).toBeGreaterThan(20);
    for (const [path, init] of all) {
      const res = await app.request(path, init);
      const where = `${init.method ?? "GET"} ${path} (${res.status})`;
      expect(res.headers.get("x-content-type-options"), where).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), where).toBe("DENY");
      expect(res.headers.get("referrer-policy"), where).toBe("same-origin");
      policies.add(res.headers.get("content-security-policy") ?? "(none)");
    }
    expect([...policies]).toHaveLength(1);
    const [csp = ""] = policies;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("lets the self-contained HTML report apply its inline stylesheet, and nothing else inline", async () => {
    const res = await app.request("/v1/reports/least-privilege?format=html");
    expect(res.status).toBe(200);
    const html = await res.text();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? "");
    expect(styles).toHaveLength(1);
    const csp = res.headers.get("content-security-policy") ?? "";
    const styleSrc = /style-src ([^;]*)/.exec(csp)?.[1]?.split(" ") ?? [];
    expect(styleSrc).toEqual(["'self'", styleHash(styles[0] ?? "")]);
    expect(html).not.toMatch(/<script|style="/);
  });
});
