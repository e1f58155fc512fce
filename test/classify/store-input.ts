import type {
  ClassifierInput,
  DenialObservation,
  SessionObservation,
  UsageObservation,
} from "../../src/classify/classify.types.js";
import { normaliseRecord, validateRecord } from "../../src/cloudtrail/normalise.js";

/** At most this many user agents per usage row, the lexically smallest: what usage_daily keeps. */
const USER_AGENTS_KEPT = 5;

/**
 * Builds the classifier input the store would hold after ingesting `values`: each record validated and normalised by
 * the real ingest code, denials and evidence kept whole, every other call folded per principal and API call, and
 * session observations per role. Records that do not validate are skipped (the store quarantines them).
 */
export function inputFromRecords(values: unknown[]): ClassifierInput {
  const evidence: ClassifierInput["evidence"] = [];
  const denials: DenialObservation[] = [];
  const usage = new Map<string, UsageObservation>();
  const sessions = new Map<string, SessionObservation>();
  for (const value of values) {
    const valid = validateRecord(value);
    if (!("record" in valid)) continue;
    const ev = normaliseRecord(valid.record);
    const p = ev.principal;
    if (p.roleArn && p.sessionName) {
      const shape = ev.sessionShape ?? "other";
      const key = [
        p.roleArn,
        shape,
        p.ec2RoleDelivery ?? "",
        p.federatedProvider ?? "",
        p.invokedBy ?? "",
      ].join("\u0000");
      const s = sessions.get(key);
      if (s) {
        s.calls += 1;
        s.firstSeen = Math.min(s.firstSeen, ev.eventTime);
        s.lastSeen = Math.max(s.lastSeen, ev.eventTime);
        if (p.sessionName < s.sampleSession) s.sampleSession = p.sessionName;
      } else {
        sessions.set(key, {
          roleArn: p.roleArn,
          sessionShape: shape,
          ec2RoleDelivery: p.ec2RoleDelivery ?? "",
          federatedProvider: p.federatedProvider ?? "",
          invokedBy: p.invokedBy ?? "",
          sampleSession: p.sessionName,
          calls: 1,
          firstSeen: ev.eventTime,
          lastSeen: ev.eventTime,
        });
      }
    }
    if (ev.class === "evidence") {
      evidence.push(valid.record);
    } else if (ev.class === "denial") {
      denials.push({
        roleArn: p.roleArn ?? p.arn,
        eventSource: ev.eventSource,
        eventName: ev.eventName,
        userAgent: ev.userAgent,
        sessionName: p.sessionName,
        eventTime: ev.eventTime,
        errorMessage: ev.errorMessage,
      });
    } else {
      const key = [p.key, ev.eventSource, ev.eventName].join("\u0000");
      const u = usage.get(key);
      if (u) {
        u.calls += 1;
        u.firstSeen = Math.min(u.firstSeen, ev.eventTime);
        u.lastSeen = Math.max(u.lastSeen, ev.eventTime);
        if (ev.userAgent && !u.userAgents.includes(ev.userAgent))
          u.userAgents = [...u.userAgents, ev.userAgent].sort().slice(0, USER_AGENTS_KEPT);
      } else {
        usage.set(key, {
          roleArn: p.key,
          eventSource: ev.eventSource,
          eventName: ev.eventName,
          calls: 1,
          userAgents: ev.userAgent ? [ev.userAgent] : [],
          firstSeen: ev.eventTime,
          lastSeen: ev.eventTime,
        });
      }
    }
  }
  return { evidence, sessions: [...sessions.values()], usage: [...usage.values()], denials };
}
