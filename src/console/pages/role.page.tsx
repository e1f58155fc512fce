import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import type { RoleCatalogEntry } from "../../classify/kinds.js";
import { iamActionFor } from "../../cloudtrail/action.js";
import { recommendedPolicyHtml } from "../../report/report.render.html.js";
import { denialPath, KindBadge, shortName, Time } from "../components/bits.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { RoleView } from "../console.usecases.js";

const Kinds: FC<{ entry: RoleCatalogEntry }> = ({ entry }) => (
  <section aria-labelledby="kinds">
    <h2 id="kinds">What deniedby thinks it is, and why</h2>
    {entry.dualUse ? (
      <p class="note">Used both as a task role and as a task execution role: split it into two roles.</p>
    ) : null}
    {entry.kinds.map((k) => (
      <div class="panel">
        <h3>
          <KindBadge kind={k.kind} confidence={k.confidence} />
        </h3>
        {k.evidence.length === 0 ? (
          <p class="muted small">No evidence recorded.</p>
        ) : (
          <table class="list evidence">
            <thead>
              <tr>
                <th scope="col">Signal</th>
                <th scope="col">What was seen</th>
                <th scope="col" class="n">
                  Weight
                </th>
              </tr>
            </thead>
            <tbody>
              {k.evidence.map((ev) => (
                <tr>
                  <td data-label="Signal">
                    <code>{ev.signal}</code>
                  </td>
                  <td data-label="Seen">{ev.detail}</td>
                  <td data-label="Weight" class="n">
                    {ev.weight.toFixed(2)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    ))}
  </section>
);

const Activity: FC<{ view: RoleView }> = ({ view }) => (
  <>
    <h2 id="sessions">Sessions</h2>
    {view.sessions.length === 0 ? (
      <p class="muted">No sessions recorded.</p>
    ) : (
      <ul class="plain">
        {view.sessions.map((s) => (
          <li>
            <code>{s.sessionShape}</code> e.g. <code>{s.sampleSession}</code>
            {s.invokedBy ? <span class="muted"> invoked by {s.invokedBy}</span> : null}
            {s.ec2RoleDelivery ? <span class="muted"> delivery {s.ec2RoleDelivery}</span> : null}
            {s.federatedProvider ? <span class="muted"> via {s.federatedProvider}</span> : null}:{" "}
            {s.calls.toLocaleString("en-US")} calls, last <Time ms={s.lastSeen} />
          </li>
        ))}
      </ul>
    )}
    <h2 id="usage">Usage</h2>
    {view.usage.length === 0 ? (
      <p class="muted">No successful calls recorded.</p>
    ) : (
      <ul class="plain">
        {view.usage.map((u) => (
          <li>
            <code>{iamActionFor(u).action ?? `${u.eventSource} ${u.eventName}`}</code>{" "}
            {u.calls.toLocaleString("en-US")} calls{u.errors ? `, ${u.errors} errors` : ""}, last{" "}
            <Time ms={u.lastSeen} />
          </li>
        ))}
      </ul>
    )}
    <h2 id="denials">Denials</h2>
    {view.incidents.length === 0 ? (
      <p class="muted">No denials.</p>
    ) : (
      <ul class="plain">
        {view.incidents.map((i) => (
          <li>
            <a href={denialPath(i.latestEventId)}>
              <code>{i.action || "unknown action"}</code>
            </a>
            {i.resourcePattern ? (
              <>
                {" on "}
                <code>{i.resourcePattern}</code>
              </>
            ) : null}
            : {i.count.toLocaleString("en-US")}×, denied by {i.deniedBy}, last <Time ms={i.lastSeen} />
            {i.noise ? <span class="badge"> noise</span> : null}
          </li>
        ))}
      </ul>
    )}
  </>
);

const Recommendation: FC<{ view: RoleView }> = ({ view }) => {
  const { report } = view;
  return (
    <section aria-labelledby="recommendation" class="report">
      <h2 id="recommendation">
        The report's recommendation, {report.window.from} to {report.window.to}
      </h2>
      {report.note ? <p class="note small">{report.note}</p> : null}
      {report.role ? (
        <>
          {report.role.findings.length ? (
            <ul class="findings">
              {report.role.findings.map((f) => (
                <li>
                  <strong class={f.severity === "warning" ? "warning" : ""}>{f.title}</strong>{" "}
                  <span class="small">{f.detail}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {raw(recommendedPolicyHtml(report.role))}
        </>
      ) : (
        <p class="muted">The role did nothing in this window.</p>
      )}
    </section>
  );
};

export const RolePage: FC<{ view: RoleView; chrome: PageChrome }> = ({ view, chrome }) => (
  <Layout title={`Role ${view.entry?.roleName ?? shortName(view.arn)}`} chrome={chrome}>
    <h1>{view.entry?.roleName ?? shortName(view.arn)}</h1>
    <p>
      <code>{view.arn}</code>
      {view.entry ? <span class="muted small"> account {view.entry.accountId}</span> : null}
    </p>
    {view.entry ? (
      <Kinds entry={view.entry} />
    ) : (
      <p class="note">Not in the role catalogue: deniedby has seen only its denials.</p>
    )}
    <Activity view={view} />
    <Recommendation view={view} />
  </Layout>
);
