import type { Logger } from "pino";

/** Hono's per-request variables, typed once for the whole app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
  };
}
