/**
 * Environment variables a test sets or unsets and puts back: `set` and `unset` remember each variable's value before its first change,
 * `restore` brings every one back (deleting those that were unset).
 */
export function scopedEnv() {
  const saved = new Map<string, string | undefined>();
  return {
    set(vars: Record<string, string>) {
      for (const [k, v] of Object.entries(vars)) {
        if (!saved.has(k)) saved.set(k, process.env[k]);
        process.env[k] = v;
      }
    },
    /** Removes variables for the test (credentials a developer's shell may hold). */
    unset(...names: string[]) {
      for (const k of names) {
        if (!saved.has(k)) saved.set(k, process.env[k]);
        delete process.env[k];
      }
    },
    restore() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      saved.clear();
    },
  };
}
