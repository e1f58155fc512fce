/** Who a trust policy lets assume a role: AWS service principals and federated identity providers. */
export interface TrustPrincipals {
  services: string[];
  federated: string[];
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the Allow statements of an assume-role policy document. CloudTrail records `assumeRolePolicyDocument` as
 * the URL-encoded JSON string the caller sent (console, CLI), as plain JSON (SDKs that do not encode), or, in some
 * exports, as an already-parsed object; all three are accepted. Returns null when the document cannot be read.
 */
export function decodeTrustPolicy(document: unknown): TrustPrincipals | null {
  let parsed: unknown = document;
  if (typeof document === "string") {
    const trimmed = document.trim();
    // Decide by the first character rather than by a failing JSON.parse: a thrown exception is slow.
    if (trimmed.startsWith("{")) parsed = parseJson(trimmed);
    else {
      try {
        parsed = parseJson(decodeURIComponent(trimmed.replace(/\+/g, "%20")));
      } catch {
        parsed = undefined;
      }
    }
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const rawStatements = (parsed as Record<string, unknown>).Statement;
  const statements = Array.isArray(rawStatements) ? rawStatements : rawStatements ? [rawStatements] : [];
  const services = new Set<string>();
  const federated = new Set<string>();
  for (const st of statements) {
    if (typeof st !== "object" || st === null) continue;
    const s = st as Record<string, unknown>;
    if (s.Effect !== "Allow") continue;
    const principal = s.Principal;
    if (typeof principal !== "object" || principal === null) continue;
    const p = principal as Record<string, unknown>;
    for (const svc of strings(p.Service)) services.add(svc);
    for (const fed of strings(p.Federated)) federated.add(fed);
  }
  return { services: [...services].sort(), federated: [...federated].sort() };
}
