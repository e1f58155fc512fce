import type { FC } from "hono/jsx";
import { deniedByTypes } from "../../cloudtrail/access-denied.js";
import { denialPath, KindBadge, rolePath, Time } from "../components/bits.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { SearchResult } from "../console.usecases.js";

const Parsed: FC<{ result: Extract<SearchResult, { kind: "message" }> }> = ({ result }) => {
  const p = result.parsed;
  return (
    <>
      <h2>What the message says</h2>
      <dl class="facts">
        <dt>Form</dt>
        <dd>
          <code>{p.form}</code>
          {p.truncated ? <span class="muted"> (cut off)</span> : null}
        </dd>
        <dt>Principal</dt>
        <dd>{p.principalArn ? <code>{p.principalArn}</code> : <span class="muted">not named</span>}</dd>
        <dt>Action</dt>
        <dd>{p.action ? <code>{p.action}</code> : <span class="muted">not named</span>}</dd>
        <dt>Resource</dt>
        <dd>{p.resource ? <code>{p.resource}</code> : <span class="muted">not named</span>}</dd>
        <dt>Policy type</dt>
        <dd>
          {p.explicitDeny ? "explicit deny in " : ""}
          {deniedByTypes[p.deniedBy]}
          {p.policyArn ? (
            <>
              {" "}
              <code>{p.policyArn}</code>
            </>
          ) : null}
        </dd>
      </dl>
      {result.role ? (
        <p>
          The principal is <a href={rolePath(result.role.roleArn)}>{result.role.roleName}</a>{" "}
          <KindBadge
            kind={result.role.kinds[0]?.kind ?? "unknown"}
            confidence={result.role.kinds[0]?.confidence}
          />
        </p>
      ) : null}
      {result.incidents.length ? (
        <>
          <h2>Stored denials like it</h2>
          <ul class="plain">
            {result.incidents.map((i) => (
              <li>
                <a href={denialPath(i.latestEventId)}>
                  <code>{i.action}</code>
                </a>{" "}
                {i.count}×, last <Time ms={i.lastSeen} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
};

export const SearchPage: FC<{ q: string; result: SearchResult; chrome: PageChrome }> = ({
  q,
  result,
  chrome,
}) => (
  <Layout title="Search" chrome={{ ...chrome, query: q }}>
    <h1>Search</h1>
    {result.kind === "message" ? <Parsed result={result} /> : null}
    {result.kind === "roles" ? (
      <>
        <p>Roles with this name:</p>
        <ul class="plain">
          {result.roles.map((r) => (
            <li>
              <a href={rolePath(r.roleArn)}>
                <code>{r.roleArn}</code>
              </a>{" "}
              <KindBadge kind={r.kinds[0]?.kind ?? "unknown"} confidence={r.kinds[0]?.confidence} />
            </li>
          ))}
        </ul>
      </>
    ) : null}
    {result.kind === "none" ? (
      <p>
        {q.trim()
          ? "Nothing found: it is not the event id of a stored denial, a role or session ARN, a role name deniedby has seen, nor an access-denied message."
          : "Type an event id, a role or session ARN, a role name, or paste an error message."}
      </p>
    ) : null}
  </Layout>
);
