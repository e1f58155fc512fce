import { request } from "node:http";
import { connect, type Socket } from "node:net";
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

  it("on SIGTERM closes stalled connections after the grace period instead of waiting for the forced exit", async () => {
    const { url, child, exited } = await startServer(join(tempDir(), "server.db"), {
      DENIEDBY_SHUTDOWN_GRACE_SECONDS: "1",
    });
    const { hostname, port } = new URL(url);
    /** A slowloris client: sends `text` and then nothing, holding its connection open. */
    const stall = (text: string) =>
      new Promise<{ socket: Socket; closed: Promise<void> }>((ok) => {
        const socket = connect(Number(port), hostname, () =>
          socket.write(text, () => ok({ socket, closed })),
        );
        const closed = new Promise<void>((r) => socket.on("close", () => r()));
        socket.on("error", () => {});
      });
    const head = `POST /v1/events HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n`;
    const clients = [
      // Headers never finished.
      await stall(head),
      // A body promised and never sent: a request in flight that never moves.
      await stall(`${head}Content-Length: 100000\r\n\r\n[{"eventID":`),
    ];
    // Both are connected before the signal: the server has them.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    // The forced exit after 10 s would exit 1; closing the stalled connections lets the shutdown finish: 0.
    expect(await exited).toBe(0);
    await Promise.all(clients.map((c) => c.closed));
  }, 60_000);
});
