import { describe, expect, it } from "vitest";
import { mergeAgents } from "./ingest.repository.js";

describe("mergeAgents", () => {
  it("keeps the five smallest distinct agents, whichever side they come from", () => {
    expect(mergeAgents('["e","a","c"]', '["d","b","f","a"]')).toBe('["a","b","c","d","e"]');
    expect(mergeAgents("[]", '["z"]')).toBe('["z"]');
  });
});
