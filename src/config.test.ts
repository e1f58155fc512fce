import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  describe("member accounts", () => {
    /** The ConfigError loading `env` throws. */
    const configError = (env: Record<string, string>): ConfigError => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("loadConfig accepted it");
    };

    const role = (account: string) => `arn:aws:iam::${account}:role/deniedby-reader`;

    it("reads DENIEDBY_ACCOUNTS: role ARNs, each with an optional |external id", () => {
      const config = loadConfig({
        DENIEDBY_ACCOUNTS: `${role("111122223333")}|ext-id,with=comma\n  ${role("444455556666")}`,
      });
      expect(config.DENIEDBY_ACCOUNTS).toMatchObject([
        { accountId: "111122223333", roleArn: role("111122223333"), externalId: "ext-id,with=comma" },
        { accountId: "444455556666", roleArn: role("444455556666") },
      ]);
      expect(config.DENIEDBY_ACCOUNTS[1]?.externalId).toBeUndefined();
    });

    it("reads DENIEDBY_ACCOUNTS_FILE, and names each bad entry by its place without echoing values", () => {
      const dir = mkdtempSync(join(tmpdir(), "deniedby-config-"));
      try {
        const good = join(dir, "accounts.json");
        writeFileSync(
          good,
          JSON.stringify({
            "111122223333": { roleArn: role("111122223333"), externalId: "abc123", regions: ["eu-west-1"] },
            "444455556666": { roleArn: role("444455556666"), buckets: ["org-trail"] },
          }),
        );
        expect(loadConfig({ DENIEDBY_ACCOUNTS_FILE: good }).DENIEDBY_ACCOUNTS).toEqual([
          {
            accountId: "111122223333",
            roleArn: role("111122223333"),
            externalId: "abc123",
            regions: ["eu-west-1"],
          },
          { accountId: "444455556666", roleArn: role("444455556666"), buckets: ["org-trail"] },
        ]);

        const bad = join(dir, "bad.json");
        const secretish = "x";
        writeFileSync(
          bad,
          JSON.stringify({
            "111122223333": { roleArn: role("999999999999"), externalId: secretish },
            "12": { roleArn: role("12"), colour: "blue" },
          }),
        );
        const error = configError({ DENIEDBY_ACCOUNTS_FILE: bad });
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.issues.map((i) => i.split(":")[0]).sort()).toEqual(
          [
            "DENIEDBY_ACCOUNTS_FILE.111122223333.externalId",
            "DENIEDBY_ACCOUNTS_FILE.111122223333.roleArn",
            "DENIEDBY_ACCOUNTS_FILE.12",
            "DENIEDBY_ACCOUNTS_FILE.12.accountId",
            "DENIEDBY_ACCOUNTS_FILE.12.roleArn",
            "DENIEDBY_ACCOUNTS_FILE.12.roleArn",
          ].sort(),
        );
        expect(error.message).not.toContain('"x"');
        expect(() => loadConfig({ DENIEDBY_ACCOUNTS_FILE: join(dir, "missing.json") })).toThrow(
          /cannot read/,
        );
        const broken = join(dir, "broken.json");
        writeFileSync(broken, '{ "111122223333": { "externalId": "s3cr3t-value" x } }');
        const parseError = configError({ DENIEDBY_ACCOUNTS_FILE: broken });
        expect(parseError.message).toMatch(/broken\.json is not valid JSON/);
        expect(parseError.message).not.toContain("s3cr3t");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("refuses both settings at once, and an account listed twice", () => {
      expect(() =>
        loadConfig({ DENIEDBY_ACCOUNTS: role("111122223333"), DENIEDBY_ACCOUNTS_FILE: "/nonexistent" }),
      ).toThrow(/not both/);
      expect(() =>
        loadConfig({ DENIEDBY_ACCOUNTS: `${role("111122223333")} ${role("111122223333")}|abc` }),
      ).toThrow(/listed twice/);
    });
  });

  describe("the API token from a file (DENIEDBY_API_TOKEN_FILE)", () => {
    const token = "file-token-0123456789abcdef";
    const fileOf = (text: string) => {
      const path = join(mkdtempSync(join(tmpdir(), "deniedby-token-")), "token");
      writeFileSync(path, text);
      return path;
    };

    it("trims a trailing newline and says so, never quoting the token", () => {
      const config = loadConfig({ DENIEDBY_API_TOKEN_FILE: fileOf(`${token}\n`) });
      expect(config.DENIEDBY_API_TOKEN).toBe(token);
      expect(config.notices).toHaveLength(1);
      expect(config.notices[0]).toMatch(/DENIEDBY_API_TOKEN_FILE .*trimmed/);
      expect(config.notices.join("\n")).not.toContain(token);
      expect(loadConfig({ DENIEDBY_API_TOKEN_FILE: fileOf(token) }).notices).toEqual([]);
    });

    it("trims a token given in the environment with whitespace too (a secret stored with its newline)", () => {
      const config = loadConfig({ DENIEDBY_API_TOKEN: `${token}\r\n` });
      expect(config.DENIEDBY_API_TOKEN).toBe(token);
      expect(config.notices[0]).toMatch(/^DENIEDBY_API_TOKEN: .*trimmed/);
      expect(loadConfig({ DENIEDBY_API_TOKEN: token }).notices).toEqual([]);
    });

    it("refuses both settings at once, an unreadable file and an empty or short token", () => {
      const codes = (env: Record<string, string>) => {
        try {
          loadConfig(env);
          return "loaded";
        } catch (error) {
          return (error as ConfigError).issues.map((i) => i.split(":")[0]).join(",");
        }
      };
      expect(codes({ DENIEDBY_API_TOKEN: token, DENIEDBY_API_TOKEN_FILE: fileOf(token) })).toBe(
        "DENIEDBY_API_TOKEN_FILE",
      );
      expect(codes({ DENIEDBY_API_TOKEN_FILE: "/nonexistent/token" })).toBe("DENIEDBY_API_TOKEN_FILE");
      expect(codes({ DENIEDBY_API_TOKEN_FILE: fileOf("\n") })).toMatch(/^DENIEDBY_API_TOKEN_FILE/);
      expect(codes({ DENIEDBY_API_TOKEN_FILE: fileOf("short\n") })).toBe("DENIEDBY_API_TOKEN");
    });
  });
});
