/**
 * Environment variables a test sets and puts back: `set` remembers each variable's value before its first change,
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
    restore() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      saved.clear();
    },
  };
}
