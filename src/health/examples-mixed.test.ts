import { describe, expect, it } from "vitest";
import { testApp } from "../../test/support/app.js";
import { push, pushedDenial } from "../../test/support/push.js";
import { DenialList } from "../denials/denials.schemas.js";
import { EXAMPLES_MIXED, loadExamplesIfEmpty, removeExamples } from "../pipeline/examples.js";
import { Readiness } from "./health.schemas.js";

/** The app over a database holding the bundled examples, with the log lines it writes. */
async function appWithExamples() {
  const warnings: string[] = [];
  const { app, deps } = testApp();
  deps.logger.warn = ((obj: unknown, msg?: string) => {
    warnings.push(typeof obj === "string" ? obj : (msg ?? ""));
  }) as typeof deps.logger.warn;
  await loadExamplesIfEmpty(deps.store);
  const readiness = async () => Readiness.parse(await (await app.request("/readyz")).json()).examples;
  const page = async () => (await app.request("/")).text();
  return { app, deps, warnings, readiness, page };
}

describe("the bundled examples beside real data", () => {
  it("are said in /readyz, the log, the console and on each example denial, until removed", async () => {
    const { app, deps, warnings, readiness, page } = await appWithExamples();
    expect(await readiness()).toBe("only");
    expect(await page()).not.toContain("deniedby examples remove");
    const examples = DenialList.parse(await (await app.request("/v1/denials?limit=100")).json()).denials;
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.every((d) => d.example === true)).toBe(true);

    expect((await push(app, [pushedDenial(1), pushedDenial(2)])).status).toBe(200);
    expect(await readiness()).toBe("mixed");
    expect(warnings.filter((w) => w === EXAMPLES_MIXED)).toHaveLength(1);
    expect(await page()).toContain("<code>deniedby examples remove</code>");
    const all = DenialList.parse(await (await app.request("/v1/denials?limit=100")).json()).denials;
    const real = all.filter((d) => d.example === undefined);
    expect(real.map((d) => d.eventId).sort()).toEqual(
      [pushedDenial(1).eventID, pushedDenial(2).eventID].sort(),
    );
    // Said once per process, not after every commit.
    await push(app, [pushedDenial(3)]);
    expect(warnings.filter((w) => w === EXAMPLES_MIXED)).toHaveLength(1);

    await removeExamples(deps.store);
    expect(await readiness()).toBe("none");
    expect(await page()).not.toContain("deniedby examples remove");
    const left = DenialList.parse(await (await app.request("/v1/denials?limit=100")).json()).denials;
    expect(left.map((d) => d.eventId).sort()).toEqual(
      [pushedDenial(1).eventID, pushedDenial(2).eventID, pushedDenial(3).eventID].sort(),
    );
  }, 60_000);

  it("says none on a database that never held them", async () => {
    const { app } = testApp();
    expect(Readiness.parse(await (await app.request("/readyz")).json()).examples).toBe("none");
  });
});
