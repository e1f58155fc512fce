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

/**
 * Everything the classifier reads: plain data mirroring what the store holds. `evidence` are the raw successful
 * evidence records (task definitions, trust policies, service AssumeRole events with their `roleSessionName`, …).
 */
export interface ClassifierInput {
  evidence: CloudTrailRecord[];
  sessions: SessionObservation[];
  usage: UsageObservation[];
  denials: DenialObservation[];
}
