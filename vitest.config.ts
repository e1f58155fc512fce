import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "infra/**/*.test.ts"],
    // Two cores: process pool keeps better-sqlite3 native handles isolated per file.
    pool: "forks",
    testTimeout: 30_000,
  },
});
