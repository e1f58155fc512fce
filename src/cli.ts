import { runCli } from "./cli/run-cli.js";
import { quietSdkNodeVersionWarning } from "./shared/process-warnings.js";

quietSdkNodeVersionWarning();

// `deniedby denials | head`: a reader that stops early closes the pipe; that is not an error for a CLI.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
