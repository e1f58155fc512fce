import { performance } from "node:perf_hooks";

/** Benchmarks print figures, one line each. */
export function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The middle of several runs: steadier than the mean on a shared machine. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Wall time and CPU time (user + system) of fn, in ms: on a shared machine CPU time is the steadier figure. */
export function time<T>(fn: () => T): [T, number, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(cpu);
  return [result, performance.now() - start, (used.user + used.system) / 1000];
}

/** `time` for work that resolves a promise (the pipeline's stages, which wait for the write lock between commits). */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return [result, performance.now() - start, (used.user + used.system) / 1000];
}
