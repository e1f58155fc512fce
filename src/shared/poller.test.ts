import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../test/support/fake-cloudtrail.js";
import { DomainError } from "./errors.js";
import { createPoller, pollDelay } from "./poller.js";

describe("pollDelay", () => {
  it("waits the interval after a success or one failure, then doubles per failure up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((f) => pollDelay(1000, f, 8000))).toEqual([
      1000, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    // A cap below the interval never shortens the interval.
    expect(pollDelay(5000, 3, 1000)).toBe(5000);
  });
});

describe("a poller", () => {
  it("runs at once, backs off after failures with the error's code, and resets after a success", async () => {
    const clock = createVirtualClock(Date.parse("2026-11-20T12:00:00Z"));
    const outcomes = ["fail", "fail", "fail", "ok", "fail", "wait"];
    const errors: string[] = [];
    let runs = 0;
    let stop: () => Promise<void> = async () => {};
    const done = new Promise<void>((resolve) => {
      const poller = createPoller({
        intervalMs: 1000,
        maxBackoffMs: 3000,
        clock,
        onError: (e) => errors.push(`${e.code}: ${e.message}`),
        run: async (signal) => {
          const outcome = outcomes[runs++];
          if (outcome === "fail") throw new DomainError("source.test_failed", `round ${runs}`);
          if (outcome !== "wait") return;
          resolve();
          await new Promise((_ok, fail) =>
            signal.addEventListener("abort", () => fail(new Error("stopped"))),
          );
        },
      });
      stop = () => poller.stop();
      poller.start();
      poller.start();
    });
    await done;
    await stop();
    expect(runs).toBe(6);
    // After failures 1, 2, 3: 1 s, 2 s, then the 3 s cap; after the success, the interval; one failure: the interval.
    expect(clock.sleeps).toEqual([1000, 2000, 3000, 1000, 1000]);
    expect(errors).toEqual([1, 2, 3, 5].map((n) => `source.test_failed: round ${n}`));
  });

  it("reports its state, and stops a round in flight through its signal", async () => {
    const clock = createVirtualClock(0);
    let aborted = false;
    const poller = createPoller({
      intervalMs: 1000,
      clock,
      run: (signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("aborted"));
          });
        }),
    });
    poller.start();
    await new Promise((r) => setImmediate(r));
    expect(poller.status()).toMatchObject({ running: true, runs: 0, lastError: null });
    await poller.stop();
    expect(aborted).toBe(true);
    // An abort is not a failure.
    expect(poller.status()).toMatchObject({ running: false, runs: 1, failures: 0, lastError: null });
  });
});
