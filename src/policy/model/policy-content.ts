import { PolicyError } from "../policy.errors.js";
import { type PolicyDocument, parsePolicyDocument } from "../policy.schema.js";

/**
 * What the model knows of one policy document. CloudTrail writes documents URL-encoded in some events, as JSON
 * text or as objects in others, and leaves them out when they are too large or sensitive: an unreadable or absent
 * document is recorded as unknown with the reason, never guessed.
 */
export type PolicyContent =
  | { state: "known"; document: PolicyDocument }
  | { state: "unknown"; reason: string };

/** The text CloudTrail writes in place of a document it withholds (Organizations resource policies). */
const HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

/** Reads a document as an event or an import carries it: an object, JSON text or URL-encoded JSON text. */
export function contentFrom(value: unknown, where: string): PolicyContent {
  if (value === undefined || value === null) return unknown(`${where}: not recorded`);
  if (value === "") return unknown(`${where}: empty`);
  if (value === HIDDEN) return unknown(`${where}: withheld by CloudTrail (${HIDDEN})`);
  try {
    return { state: "known", document: parsePolicyDocument(value) };
  } catch (error) {
    if (error instanceof PolicyError) return unknown(`${where}: ${error.issues.join("; ")}`);
    throw error;
  }
}

export function unknown(reason: string): PolicyContent {
  return { state: "unknown", reason };
}

export function known(document: PolicyDocument): PolicyContent {
  return { state: "known", document };
}
