import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { tempDir } from "../support/db.js";
import { startServerProcess as startServer } from "../support/processes.js";
import { makeRecord, uuidFor } from "../support/records.js";

/** Sends a POST whose body arrives in two halves, with `between` run after the first half is on the wire. */
function postInHalves(
  url: string,
  body: string,
  between: () => void,
): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(`${url}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString();
      });
      res.on("end", () => ok({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", fail);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half), () => {
      between();
      setTimeout(() => req.end(body.slice(half)), 300);
    });
  });
}

describe("the real server process", () => {
  it("stores pushed events, serves them, and on SIGTERM finishes the request in flight before exiting", async () => {
    const dir = tempDir();
    const db = join(dir, "server.db");
    const { child, url, consoleUrl, exited } = await startServer(db);
    // npm start prints the console's URL, and it answers with the console's page.
    expect(consoleUrl).toBe(`${url}/`);
    const consolePage = await fetch(consoleUrl);
    expect(consolePage.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await consolePage.text()).toContain("<h1>Incidents</h1>");
    const records = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        makeRecord({
          eventId: uuidFor(from + i, 6),
          eventTime: "2026-11-16T10:00:00Z",
          errorCode: "AccessDenied",
        }),
      );

    const first = await fetch(`${url}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(records(0, 10)),
    });
    expect(await first.json()).toMatchObject({ accepted: 10, denials: 10 });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^deniedby_denials_stored 10$/m);

    const inFlight = await postInHalves(url, JSON.stringify(records(100, 200)), () => child.kill("SIGTERM"));
    expect(inFlight.status).toBe(200);
    expect(JSON.parse(inFlight.text)).toMatchObject({ accepted: 200, denials: 200 });
    expect(await exited).toBe(0);
    // No new connections after SIGTERM.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    const conn = openDb({ path: db });
    expect(conn.$client.prepare("SELECT count(*) AS n FROM denials").get()).toEqual({ n: 210 });
    conn.$client.close();
  }, 60_000);
});
