import { describe, expect, it } from "vitest";
import { loadFixtureCases } from "../../../test/support/classify-fixtures.js";
import { evidenceEventOf, evidenceEventsReadBy } from "../../cloudtrail/evidence-events.js";
import { evidenceExtractors } from "./index.js";

describe("the evidence extractor map", () => {
  it("has an extractor for exactly the evidence events the list gives the classifier", () => {
    expect(Object.keys(evidenceExtractors).sort()).toEqual([...evidenceEventsReadBy("classify")].sort());
  });

  it("has every extractor run by at least one classifier fixture case", () => {
    const run = new Set<unknown>();
    for (const c of loadFixtureCases())
      for (const r of c.input.evidence) {
        const event = evidenceEventOf(r);
        if (event) run.add(evidenceExtractors[event]);
      }
    const unexercised = Object.entries(evidenceExtractors)
      .filter(([, extractor]) => !run.has(extractor))
      .map(([event]) => event);
    expect(unexercised).toEqual([]);
  });
});
