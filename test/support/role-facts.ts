/**
 * A role's report facts with nothing in them but what each findings case adds (its kinds and calls, or a grant):
 * confidently classified, neither dual-use nor service-linked, nothing denied, granted or left unused.
 */
export const plainRoleFacts = {
  dualUse: false,
  serviceLinked: false,
  confidence: 0.9,
  denied: [],
  granted: [],
  unusedPatterns: [],
};
