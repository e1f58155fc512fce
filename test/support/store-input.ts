import type {
  ChainObservation,
  ClassifierInput,
  DenialObservation,
  SessionObservation,
  UsageObservation,
} from "../../src/classify/classify.types.js";
import { normaliseRecord, validateRecord } from "../../src/cloudtrail/normalise.js";
import type { Db } from "../../src/db/client.js";
import { INSERT_USAGE, usageValues } from "../../src/db/ingest.repository.js";

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
  const chains = new Map<string, ChainObservation>();
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
      // A role session's AssumeRole names the role it assumed as its resource: the store's chain facts.
      if (
        p.roleArn &&
        ev.eventSource === "sts.amazonaws.com" &&
        ev.eventName === "AssumeRole" &&
        ev.resource
      ) {
        const k = `${p.roleArn}\u0000${ev.resource}`;
        const c = chains.get(k);
        if (c) {
          c.firstSeen = Math.min(c.firstSeen, ev.eventTime);
          c.lastSeen = Math.max(c.lastSeen, ev.eventTime);
        } else
          chains.set(k, {
            callerRoleArn: p.roleArn,
            assumedRoleArn: ev.resource,
            firstSeen: ev.eventTime,
            lastSeen: ev.eventTime,
          });
      }
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
  return {
    evidence,
    sessions: [...sessions.values()],
    usage: [...usage.values()],
    denials,
    chains: [...chains.values()],
  };
}

/**
 * Writes a classifier input into the store's tables, as ingest would have left it: evidence records raw, session
 * rows, usage rows (unless `splitDays` is false, each split over two days with half the user agents each, so the
 * store has cells to merge) and denials. Reading it back with loadClassifierFacts must classify exactly like classifyRoles over `input`.
 */
export function storeInput(db: Db, input: ClassifierInput, options: { splitDays?: boolean } = {}): void {
  const split = options.splitDays ?? true;
  const c = db.$client;
  const evidence = c.prepare(
    `INSERT INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name, principal_arn,
       role_arn, source, raw) VALUES (?, ?, '111122223333', 'eu-west-1', ?, ?, 'test', NULL, 'test', ?)`,
  );
  const session = c.prepare(
    `INSERT INTO role_sessions (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by,
       sample_session, calls, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const usage = c.prepare(INSERT_USAGE);
  const denial = c.prepare(
    `INSERT INTO denials (event_id, event_time, account_id, region, event_source, event_name, error_code,
       error_message, principal_type, principal_arn, role_arn, session_name, user_agent, source)
     VALUES (?, ?, '111122223333', 'eu-west-1', ?, ?, 'AccessDenied', ?, ?, ?, ?, ?, ?, 'test')`,
  );
  c.transaction(() => {
    for (const [i, r] of input.evidence.entries())
      evidence.run(
        `${r.eventID}-${i}`,
        Date.parse(r.eventTime),
        r.eventSource,
        r.eventName,
        JSON.stringify(r),
      );
    for (const s of input.sessions)
      session.run(
        s.roleArn,
        s.sessionShape,
        s.ec2RoleDelivery,
        s.federatedProvider,
        s.invokedBy,
        s.sampleSession,
        s.calls,
        s.firstSeen,
        s.lastSeen,
      );
    for (const u of input.usage) {
      const half = Math.ceil(u.userAgents.length / 2);
      const days: [string, string[]][] = split
        ? [
            ["2026-11-16", u.userAgents.slice(0, half)],
            ["2026-11-17", u.userAgents.slice(half)],
          ]
        : [["2026-11-16", u.userAgents]];
      for (const [day, userAgents] of days)
        usage.run(
          usageValues({
            day,
            principalArn: u.roleArn,
            principalType: u.roleArn.includes(":role/") ? "AssumedRole" : "IAMUser",
            roleArn: u.roleArn.includes(":role/") ? u.roleArn : null,
            accountId: "111122223333",
            eventSource: u.eventSource,
            eventName: u.eventName,
            resource: "",
            calls: u.calls,
            errors: 0,
            firstSeen: u.firstSeen,
            lastSeen: u.lastSeen,
            userAgents: [...userAgents],
          }),
        );
    }
    // Chains are AssumeRole usage rows whose resource is the assumed role (no agents: the caller's usage rows
    // carry those).
    for (const ch of input.chains ?? [])
      usage.run(
        usageValues({
          day: "2026-11-16",
          principalArn: ch.callerRoleArn,
          principalType: "AssumedRole",
          roleArn: ch.callerRoleArn,
          accountId: "111122223333",
          eventSource: "sts.amazonaws.com",
          eventName: "AssumeRole",
          resource: ch.assumedRoleArn,
          calls: 1,
          errors: 0,
          firstSeen: ch.firstSeen,
          lastSeen: ch.lastSeen,
          userAgents: [],
        }),
      );
    for (const [i, d] of input.denials.entries()) {
      const role = d.roleArn.includes(":role/");
      denial.run(
        `denial-${i}`,
        d.eventTime,
        d.eventSource,
        d.eventName,
        d.errorMessage,
        role ? "AssumedRole" : "IAMUser",
        d.roleArn,
        role ? d.roleArn : null,
        d.sessionName,
        d.userAgent,
      );
    }
  })();
}
