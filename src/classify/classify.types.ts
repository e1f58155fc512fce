import type { CloudTrailRecord } from "../cloudtrail/record.js";

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

/** One role's sessions assumed another role (role chaining), folded over days (from `usage_daily`). */
export interface ChainObservation {
  /** The role whose session called sts:AssumeRole. */
  callerRoleArn: string;
  /** The role it assumed. */
  assumedRoleArn: string;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Everything the classifier reads: plain data mirroring what the store holds. `evidence` are the raw successful
 * evidence records (task definitions, trust policies, service AssumeRole events with their `roleSessionName`, …).
 * `chains` are the roles that role sessions assumed (none when left out).
 */
export interface ClassifierInput {
  evidence: CloudTrailRecord[];
  sessions: SessionObservation[];
  usage: UsageObservation[];
  denials: DenialObservation[];
  chains?: ChainObservation[];
}

/**
 * Usage reduced to what the signals read: the APIs one principal called under user agents of one class
 * (`agentClass` bits, src/cloudtrail/user-agents.ts). A store folds its usage rows into these in SQL, so a million stored events reach
 * the classifier as about one fact per role instead of one object per (role, API) with its agent strings.
 */
export interface UsageFact {
  roleArn: string;
  /** `agentClass` bits shared by every call listed. */
  agents: number;
  /** `service:Name` actions, e.g. `ecr:BatchGetImage`. */
  actions: string[];
  firstSeen: number;
  lastSeen: number;
}

/** ClassifierInput with usage as facts: what `classifyFacts` reads. */
export interface ClassifierFacts extends Omit<ClassifierInput, "usage"> {
  usage: UsageFact[];
}
