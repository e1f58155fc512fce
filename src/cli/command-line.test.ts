import { describe, expect, it } from "vitest";
import { captureOutput } from "../../test/support/output.js";
import { chosenFormat, parseCommandLine } from "./command-line.js";

const USAGE = "usage: deniedby thing [--format text|json]\n";
const output = captureOutput();

const options = { format: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

describe("parseCommandLine", () => {
  it("prints the usage for --help or -h and says the command is done with 0", () => {
    expect(parseCommandLine("thing", USAGE, { args: ["--help"], options })).toBe(0);
    expect(parseCommandLine("thing", USAGE, { args: ["-h", "--format", "json"], options })).toBe(0);
    expect(output.stdout).toBe(USAGE + USAGE);
    expect(output.stderr).toBe("");
  });

  it("gives back the parsed values when there is no --help", () => {
    const parsed = parseCommandLine("thing", USAGE, { args: ["--format", "json"], options });
    expect(typeof parsed === "number" ? parsed : parsed.values.format).toBe("json");
    expect(output.stdout).toBe("");
  });

  it("reports an unknown option with the usage on output.stderr, exit code 2", () => {
    expect(parseCommandLine("thing", USAGE, { args: ["--sesion", "x"], options })).toBe(2);
    expect(output.stderr).toMatch(/^deniedby thing: .*--sesion/);
    expect(output.stderr.endsWith(USAGE)).toBe(true);
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
    expect(output.stderr).toContain("deniedby thing: --format must be text or json, not yaml");
    expect(chosenFormat("thing", USAGE, "csv", ["json", "md", "html"], "md")).toBe(2);
    expect(output.stderr).toContain("--format must be one of json, md, html, not csv");
  });
});
