/** Benchmarks print figures, one line each. */
export function line(text: string): void {
  process.stdout.write(`${text}\n`);
}
