import type { CloudTrailRecord } from "../cloudtrail/record.js";

/*
 * The store's own view of what it keeps, as plain data. The store imports nothing from the stages that read or
 * write these (classify, explain): those stages import these types, or map them to their own.
 */

/** One kind a role was judged to play, as stored in role_catalog.kinds. */
export interface StoredKindAssessment {
  kind: string;
  confidence: number;
  evidence: { signal: string; detail: string; weight: number }[];
  /** For a service role: the service that assumes it. */
  service?: string;
  /** For a chained role: the roles whose sessions assumed it. */
  assumedBy?: string[];
}

/** One role_catalog row as plain data: every kind, best first. */
export interface StoredRoleEntry {
  roleArn: string;
  accountId: string;
  roleName: string;
  kinds: StoredKindAssessment[];
  dualUse: boolean;
  firstSeen: number | null;
  lastSeen: number | null;
}

/** How one role's sessions look (one row of `role_sessions`). Empty strings mean "absent", as stored. */
export interface SessionObservation {
  roleArn: string;
  sessionShape: string;
  ec2RoleDelivery: string;
  federatedProvider: string;
  invokedBy: string;
  sampleSession: string;
  calls: number;
  firstSeen: number;
  lastSeen: number;
}

/** One principal's successful calls of one API, folded over days and resources (from `usage_daily`). */
export interface UsageObservation {
  /** The role ARN for assumed-role sessions; the user or root ARN for IAM users and root. */
  roleArn: string;
  eventSource: string;
  eventName: string;
  calls: number;
  userAgents: string[];
  firstSeen: number;
  lastSeen: number;
}

/** One denied call (from `denials`). */
export interface DenialObservation {
  /** The role ARN for assumed-role sessions; the user or root ARN for IAM users and root. */
  roleArn: string;
  eventSource: string;
  eventName: string;
  userAgent: string | null;
  sessionName: string | null;
  eventTime: number;
  errorMessage: string | null;
}

/** One role's sessions assumed another role (role chaining): successful AssumeRole calls in `usage_daily`. */
export interface ChainObservation {
  callerRoleArn: string;
  assumedRoleArn: string;
  firstSeen: number;
  lastSeen: number;
}

/** Everything stored about roles, as the classifier reads it; `evidence` are the raw evidence records. */
export interface StoredObservations {
  evidence: CloudTrailRecord[];
  sessions: SessionObservation[];
  usage: UsageObservation[];
  denials: DenialObservation[];
  chains: ChainObservation[];
}

/** The APIs one principal called under user agents of one class (the bits an `AgentClassifier` gives). */
export interface UsageFact {
  roleArn: string;
  agents: number;
  /** `service:Name` actions, e.g. `ecr:BatchGetImage`. */
  actions: string[];
  firstSeen: number;
  lastSeen: number;
}

/** StoredObservations with usage folded into facts: one per (principal, agent class) instead of per API. */
export interface StoredFacts extends Omit<StoredObservations, "usage"> {
  usage: UsageFact[];
}

/** Reduces a list of user agents to class bits; the caller (the pipeline) says what the classes are. */
export type AgentClassifier = (userAgents: readonly string[]) => number;

/** A stored denial as the analysis stage reads it. */
export interface DenialToAnalyse {
  rowid: number;
  eventId: string;
  eventTime: number;
  accountId: string;
  sessionName: string | null;
  raw: string;
}

/** The incident a denial falls into, as the analysis stage computed it. */
export interface IncidentKey {
  id: string;
  principalArn: string;
  roleArn: string | null;
  action: string;
  resourcePattern: string;
  deniedBy: string;
  policyArn: string | null;
  /** Why this denial is noise, or null: an incident created by it takes this as its own. */
  noiseReason: string | null;
}

/** The analysis columns of one denial; null when its raw record could not be read (it is then not retried). */
export interface DenialAnalysisColumns {
  action: string;
  resource: string | null;
  deniedBy: string;
  policyArn: string | null;
  incident: IncidentKey;
}

export interface AnalysedDenial {
  denial: DenialToAnalyse;
  analysis: DenialAnalysisColumns | null;
}

/** One import of the policy store (`deniedby import …`), without its snapshot. */
export interface StoredPolicyImport {
  id: number;
  kind: string;
  subject: string;
  ref: string;
  capturedAt: number;
  importedAt: number;
  /** JSON text of the problems the import set aside. */
  problems: string;
}

/** An import with its snapshot's JSON text, as the model is rebuilt from it. */
export interface StoredPolicySnapshot extends StoredPolicyImport {
  snapshot: string;
}

/** One policy change of the trail, as the pipeline extracted it from a stored evidence event. */
export interface StoredPolicyChange {
  eventId: string;
  seq: number;
  /** Epoch ms. */
  at: number;
  event: string;
  subject: string;
  /** JSON text of the change. */
  change: string;
}

/** A stored evidence event as the policy-change extraction reads it. */
export interface EvidenceToExtract {
  rowid: number;
  eventSource: string;
  eventName: string;
  raw: string;
}
