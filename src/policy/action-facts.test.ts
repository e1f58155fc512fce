import { describe, expect, it } from "vitest";
import { loadActionFacts } from "./action-facts.js";

describe("action facts from iam-data", () => {
  it("knows wildcard-only actions and leaves unknown ones undefined", async () => {
    const facts = await loadActionFacts(["s3:ListAllMyBuckets", "S3:GetObject", "nope:Nothing"]);
    expect(facts.isWildcardOnly("s3:listallmybuckets")).toBe(true);
    expect(facts.isWildcardOnly("s3:GetObject")).toBe(false);
    expect(facts.isWildcardOnly("nope:Nothing")).toBeUndefined();
  });
});
