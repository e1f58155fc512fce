import type { FC } from "hono/jsx";
import { deniedByTypes } from "../../cloudtrail/access-denied.js";
import { incidentList } from "../../db/denial-analysis.repository.js";
import { denialPath, KindBadge, rolePath, Time } from "../components/bits.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { IncidentView } from "../console.usecases.js";

/** One incident: what it groups, how often, the sessions it hit, and its newest denials. */
export const IncidentPage: FC<{ view: IncidentView; chrome: PageChrome }> = ({ view, chrome }) => {
  const { row, latest } = view;
  const roleArn = row.roleArn ?? row.principalArn;
  const sessions = incidentList(row.sessions);
  return (
    <Layout title={`Incident ${row.action}`} chrome={chrome}>
      <h1>
        Incident: <code>{row.action || "unknown action"}</code>
      </h1>
      {latest ? <p>{latest.summary}</p> : null}
      <dl class="facts">
        <dt>Role</dt>
        <dd>
          <a href={rolePath(roleArn)}>
            <code>{roleArn}</code>
          </a>{" "}
          {latest ? (
            <KindBadge kind={latest.principal.kind} confidence={latest.principal.confidence} />
          ) : null}
        </dd>
        <dt>Resource</dt>
        <dd>
          {row.resourcePattern ? <code>{row.resourcePattern}</code> : <span class="muted">not named</span>}
        </dd>
        <dt>Denied by</dt>
        <dd>
          {deniedByTypes[row.deniedBy as keyof typeof deniedByTypes] ?? row.deniedBy}
          {row.policyArn ? (
            <>
              {" "}
              <code>{row.policyArn}</code>
            </>
          ) : null}
        </dd>
        <dt>Count</dt>
        <dd>{row.count.toLocaleString("en-US")}</dd>
        <dt>First seen</dt>
        <dd>
          <Time ms={row.firstSeen} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <Time ms={row.lastSeen} />
        </dd>
        {sessions.length ? (
          <>
            <dt>Sessions</dt>
            <dd>
              {sessions.map((s) => (
                <code>{s} </code>
              ))}
            </dd>
          </>
        ) : null}
        {row.noise ? (
          <>
            <dt>Noise</dt>
            <dd>{row.noiseReason ?? "yes"}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <a class="btn primary" href={denialPath(row.latestEventId)}>
          Read the latest explanation
        </a>
      </p>
      <h2>Newest denials</h2>
      <ul class="plain">
        {view.denials.map((d) => (
          <li>
            <Time ms={d.eventTime} /> <a href={denialPath(d.eventId)}>{d.eventId}</a>{" "}
            <span class="muted small">{d.sessionName ?? ""}</span>
          </li>
        ))}
      </ul>
    </Layout>
  );
};
