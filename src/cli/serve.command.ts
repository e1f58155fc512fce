import { runMain } from "../main.js";
import { out } from "./output.js";

export async function serveCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    out(
      "usage: deniedby serve\n\nRuns the HTTP API (what npm start runs). Configured by environment variables: see the README.",
    );
    return 0;
  }
  await runMain();
  // Runs until a signal stops the process (runMain installs the handlers).
  return new Promise<number>(() => {});
}
