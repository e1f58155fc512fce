/** What deniedby's modules log through: pino's calling convention (an object first, the message second). */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Discards everything: the default where a caller passes no logger (tests, one-off commands). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
