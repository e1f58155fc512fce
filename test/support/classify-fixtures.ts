import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  ChainObservation,
  ClassifierInput,
  DenialObservation,
  SessionObservation,
  UsageObservation,
} from "../../src/classify/classify.types.js";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";

/** One expectation of a fixture case: the kind a role gets and the signal its evidence must name. */
export interface Expectation {
  roleArn: string;
  kind: string;
  signal: string;
  kinds?: string[];
  dualUse?: boolean;
  absentKinds?: string[];
  absentSignals?: string[];
  maxWeight?: number;
  /** For a service role: the service the entry names. */
  service?: string;
  /** For a chained role: the roles the entry says assumed it. */
  assumedBy?: string[];
}

export interface FixtureCase {
  file: string;
  name: string;
  input: ClassifierInput;
  expect: Expectation[];
}

interface RawCase {
  name: string;
  input: {
    evidence?: CloudTrailRecord[];
    sessions?: Partial<SessionObservation>[];
    usage?: Partial<UsageObservation>[];
    denials?: Partial<DenialObservation>[];
    chains?: Partial<ChainObservation>[];
  };
  expect: Expectation[];
}

export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/classify");

/** Loads every case of test/fixtures/classify/*.json, filling the fields a case leaves out with neutral values. */
export function loadFixtureCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const file of readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const raw = JSON.parse(readFileSync(join(fixturesDir, file), "utf8")) as RawCase[];
    for (const c of raw) {
      cases.push({
        file,
        name: c.name,
        expect: c.expect,
        input: {
          evidence: c.input.evidence ?? [],
          sessions: (c.input.sessions ?? []).map((s) => ({
            roleArn: s.roleArn ?? "",
            sessionShape: s.sessionShape ?? "other",
            ec2RoleDelivery: s.ec2RoleDelivery ?? "",
            federatedProvider: s.federatedProvider ?? "",
            invokedBy: s.invokedBy ?? "",
            sampleSession: s.sampleSession ?? "",
            calls: s.calls ?? 1,
            firstSeen: s.firstSeen ?? 0,
            lastSeen: s.lastSeen ?? 0,
          })),
          usage: (c.input.usage ?? []).map((u) => ({
            roleArn: u.roleArn ?? "",
            eventSource: u.eventSource ?? "",
            eventName: u.eventName ?? "",
            calls: u.calls ?? 1,
            userAgents: u.userAgents ?? [],
            firstSeen: u.firstSeen ?? 0,
            lastSeen: u.lastSeen ?? 0,
          })),
          denials: (c.input.denials ?? []).map((d) => ({
            roleArn: d.roleArn ?? "",
            eventSource: d.eventSource ?? "",
            eventName: d.eventName ?? "",
            userAgent: d.userAgent ?? null,
            sessionName: d.sessionName ?? null,
            eventTime: d.eventTime ?? 0,
            errorMessage: d.errorMessage ?? null,
          })),
          ...(c.input.chains
            ? {
                chains: c.input.chains.map((x) => ({
                  callerRoleArn: x.callerRoleArn ?? "",
                  assumedRoleArn: x.assumedRoleArn ?? "",
                  firstSeen: x.firstSeen ?? 0,
                  lastSeen: x.lastSeen ?? 0,
                })),
              }
            : {}),
        },
      });
    }
  }
  return cases;
}
