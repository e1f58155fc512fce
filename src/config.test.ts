import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("has working defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      DENIEDBY_DB: "./data/deniedby.db",
      DENIEDBY_BODY_LIMIT: 5 * 1024 * 1024,
    });
    expect(config.DENIEDBY_API_TOKEN).toBeUndefined();
  });

  it("stops on bad values, naming each setting and never echoing its value", () => {
    const secret = "short";
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DENIEDBY_API_TOKEN: secret, DENIEDBY_LOOKUP_REGIONS: "eu-west-1,mars-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).issues.map((i) => i.split(":")[0])).toEqual(
      expect.arrayContaining(["PORT", "DENIEDBY_API_TOKEN", "DENIEDBY_LOOKUP_REGIONS.1"]),
    );
    expect(message).not.toContain(secret);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", DENIEDBY_API_TOKEN: "" }).PORT).toBe(8080);
  });
});
