import { describe, expect, it } from "vitest";
import { loadActionFacts } from "./action-facts.js";

describe("action facts from iam-data", () => {
  it("knows wildcard-only actions and leaves unknown ones undefined", async () => {
    const facts = await loadActionFacts(["s3:ListAllMyBuckets", "S3:GetObject", "nope:Nothing"]);
    expect(facts.isWildcardOnly("s3:listallmybuckets")).toBe(true);
    expect(facts.isWildcardOnly("s3:GetObject")).toBe(false);
    expect(facts.isWildcardOnly("nope:Nothing")).toBeUndefined();
  });

  it("lists the condition keys an action supports, templated parts as *", async () => {
    const facts = await loadActionFacts(["kms:Decrypt", "nope:Nothing"]);
    expect(facts.conditionKeys?.("KMS:decrypt")).toEqual(
      expect.arrayContaining(["kms:EncryptionContext:*", "kms:ViaService", "kms:CallerAccount"]),
    );
    expect(facts.conditionKeys?.("nope:Nothing")).toBeUndefined();
  });
});
