import { type CompiledPolicy, compilePolicy, type PolicyKind } from "../compile.js";
import { PolicyError } from "../policy.errors.js";
import type { PolicyDocument } from "../policy.schema.js";
import type { PolicyLayer } from "../policy.types.js";
import type { PolicyContent } from "./policy-content.js";

/**
 * Compiles the model's documents for the evaluator, once per document object and use: evaluating 10,000 denials
 * of the same roles compiles each policy once. The cache lives in the object the caller owns, keyed weakly by the
 * document, so a model replaced by a newer one frees its compiled policies.
 */
export interface PolicyCompiler {
  /** The compiled policy, or the reason it cannot be used (unknown content, or invalid for its kind). */
  compile(
    kind: PolicyKind,
    name: string,
    arn: string | undefined,
    content: PolicyContent,
  ): CompiledPolicy | string;
}

export function createPolicyCompiler(): PolicyCompiler {
  const cache = new WeakMap<PolicyDocument, Map<string, CompiledPolicy | string>>();
  return {
    compile(kind, name, arn, content) {
      if (content.state === "unknown") return `${name}: ${content.reason}`;
      let byUse = cache.get(content.document);
      if (!byUse) {
        byUse = new Map();
        cache.set(content.document, byUse);
      }
      const key = `${kind} ${name} ${arn ?? ""}`;
      let compiled = byUse.get(key);
      if (compiled === undefined) {
        compiled = compileOrReason(kind, name, arn, content.document);
        byUse.set(key, compiled);
      }
      return compiled;
    },
  };
}

function compileOrReason(kind: PolicyKind, name: string, arn: string | undefined, document: PolicyDocument) {
  try {
    return compilePolicy({ kind, name, ...(arn === undefined ? {} : { arn }), document });
  } catch (error) {
    if (error instanceof PolicyError) return `${name}: ${error.issues.join("; ")}`;
    throw error;
  }
}

/** Collects one layer's policies and the reasons it is incomplete. */
export class LayerBuilder {
  readonly policies: CompiledPolicy[] = [];
  readonly reasons: string[] = [];

  add(compiled: CompiledPolicy | string): void {
    if (typeof compiled === "string") this.reasons.push(compiled);
    else this.policies.push(compiled);
  }

  missing(reason: string): void {
    this.reasons.push(reason);
  }

  layer(): PolicyLayer {
    return { policies: this.policies, complete: this.reasons.length === 0 };
  }
}
