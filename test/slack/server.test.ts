import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/server.js";
import { clockAt } from "../../src/shared/clock.js";
import { tempDir } from "../support/db.js";
import { makeRecord, uuidFor } from "../support/records.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((done) => s.close(() => done()));
});

describe("startServer with DENIEDBY_SLACK_WEBHOOK_URL", () => {
  it("posts a pushed denial's incident to the webhook in the background, and stops on close", async () => {
    const bodies: string[] = [];
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        bodies.push(body);
        res.end("ok");
      });
    });
    servers.push(hook);
    await new Promise<void>((ok) => hook.listen(0, "127.0.0.1", () => ok()));
    const { port } = hook.address() as AddressInfo;
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T/B/x`,
      DENIEDBY_SLACK_INTERVAL_SECONDS: "1",
    });
    const now = Date.parse("2026-11-20T12:00:00Z");
    const server = await startServer(config, {
      logger: pino({ level: "silent" }),
      clock: clockAt(() => now),
    });
    try {
      const record = makeRecord({
        eventId: uuidFor(1, 11),
        eventTime: "2026-11-20T11:59:00Z",
        errorCode: "AccessDeniedException",
        errorMessage:
          "User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:111122223333:orders because no identity-based policy allows the sqs:SendMessage action",
      });
      const res = await fetch(`${server.url}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(record),
      });
      expect(res.status).toBe(200);
      await expect.poll(() => bodies.length, { timeout: 5000, interval: 100 }).toBe(1);
      expect(bodies[0]).toContain("sqs:SendMessage");
    } finally {
      await server.close();
    }
  });
});
