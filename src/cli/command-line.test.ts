import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chosenFormat, parseCommandLine } from "./command-line.js";

const USAGE = "usage: deniedby thing [--format text|json]\n";
let stdout: string;
let stderr: string;

beforeEach(() => {
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const options = { format: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

describe("parseCommandLine", () => {
  it("prints the usage for --help or -h and says the command is done with 0", () => {
    expect(parseCommandLine("thing", USAGE, { args: ["--help"], options })).toBe(0);
    expect(parseCommandLine("thing", USAGE, { args: ["-h", "--format", "json"], options })).toBe(0);
    expect(stdout).toBe(USAGE + USAGE);
    expect(stderr).toBe("");
  });

  it("gives back the parsed values when there is no --help", () => {
    const parsed = parseCommandLine("thing", USAGE, { args: ["--format", "json"], options });
    expect(typeof parsed === "number" ? parsed : parsed.values.format).toBe("json");
    expect(stdout).toBe("");
  });

  it("reports an unknown option with the usage on stderr, exit code 2", () => {
    expect(parseCommandLine("thing", USAGE, { args: ["--sesion", "x"], options })).toBe(2);
    expect(stderr).toMatch(/^deniedby thing: .*--sesion/);
    expect(stderr.endsWith(USAGE)).toBe(true);
  });
});

describe("chosenFormat", () => {
  it("takes the given format when the command writes it, else the fallback", () => {
    expect(chosenFormat("thing", USAGE, "json", ["text", "json"])).toBe("json");
    expect(chosenFormat("thing", USAGE, undefined, ["text", "json"])).toBe("text");
    expect(chosenFormat("thing", USAGE, undefined, ["json", "md", "html"], "md")).toBe("md");
  });

  it("refuses a format the command does not write, naming the choices, exit code 2", () => {
    expect(chosenFormat("thing", USAGE, "yaml", ["text", "json"])).toBe(2);
    expect(stderr).toContain("deniedby thing: --format must be text or json, not yaml");
    expect(chosenFormat("thing", USAGE, "csv", ["json", "md", "html"], "md")).toBe(2);
    expect(stderr).toContain("--format must be one of json, md, html, not csv");
  });
});
