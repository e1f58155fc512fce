import { ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";

/** npm start / deniedby serve: configuration → database → sources → API, until SIGTERM or SIGINT. */
export async function runMain(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`deniedby: ${error.message}\n`);
    process.exit(2);
  }
  const server = await startServer(config);
  // The banner is a log line like every other (stdout carries JSON lines only), with the console's URL in its text.
  const { url } = server;
  server.deps.logger.info(
    { url, console: `${url}/`, api: `${url}/v1/denials?limit=5`, openapi: `${url}/openapi.json` },
    `deniedby is serving ${url}; console: open ${url}/ in a browser`,
  );
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.deps.logger.info({ signal }, "shutting down");
      // A second signal, or a shutdown that hangs, ends the process anyway.
      setTimeout(() => process.exit(1), 10_000).unref();
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
