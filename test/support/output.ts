import { afterEach, beforeEach, vi } from "vitest";

/** What a command wrote to stdout and stderr during the current test. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/**
 * Captures process.stdout and process.stderr for every test of the calling file (call it at module level): the
 * text is cleared before each test and the real streams are restored after it.
 */
export function captureOutput(): CapturedOutput {
  const output: CapturedOutput = { stdout: "", stderr: "" };
  beforeEach(() => {
    output.stdout = "";
    output.stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return output;
}
