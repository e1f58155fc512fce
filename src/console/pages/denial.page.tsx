import type { FC } from "hono/jsx";
import type { RoleCatalogEntry } from "../../classify/kinds.js";
import { deniedByTypes } from "../../cloudtrail/access-denied.js";
import type { Explanation } from "../../explain/explain.js";
import { targetLabel } from "../../slack/blocks.js";
import { CopyBlock, incidentPath, KindBadge, rolePath, Time } from "../components/bits.js";
import { Layout, type PageChrome } from "../components/layout.js";
import type { DenialView } from "../console.usecases.js";

const What: FC<{ e: Explanation; time: number }> = ({ e, time }) => (
  <section aria-labelledby="what">
    <h2 id="what">What was denied</h2>
    <dl class="facts">
      <dt>Action</dt>
      <dd>
        <code>{e.action ?? `${e.eventSource} ${e.eventName}`}</code>
        {e.actionVerified ? null : <span class="muted small"> (not in the IAM action catalogue)</span>}
      </dd>
      <dt>Resource</dt>
      <dd>{e.resource ? <code>{e.resource}</code> : <span class="muted">not named</span>}</dd>
      <dt>Who</dt>
      <dd>
        <a href={rolePath(e.principal.roleArn ?? e.principal.arn)}>
          <code>{e.principal.arn}</code>
        </a>{" "}
        <KindBadge kind={e.principal.kind} confidence={e.principal.confidence} />
      </dd>
      <dt>Denied by</dt>
      <dd>
        {e.explicitDeny ? "an explicit deny in " : "no allow in "}
        {deniedByTypes[e.deniedBy]}
        {e.policyArn ? (
          <>
            {" "}
            <code>{e.policyArn}</code>
          </>
        ) : null}
      </dd>
      <dt>Call</dt>
      <dd>
        <code>
          {e.eventSource} {e.eventName}
        </code>
        {e.errorCode ? <> → {e.errorCode}</> : null} at <Time ms={time} />
      </dd>
      {e.noise && e.noiseReason ? (
        <>
          <dt>Noise</dt>
          <dd>{e.noiseReason.text}</dd>
        </>
      ) : null}
    </dl>
  </section>
);

/** The policy model's answer: the deciding statement (or where nothing allows it), the trace and what it lacks. */
const Model: FC<{ e: Explanation }> = ({ e }) => {
  const v = e.evaluation;
  if (!v) return null;
  const by = v.decidedBy;
  return (
    <section aria-labelledby="model">
      <h2 id="model">What the policy model says</h2>
      <p>{v.summary}</p>
      {by ? (
        <dl class="facts">
          <dt>Deciding statement</dt>
          <dd>
            {by.sid ? <code>{by.sid}</code> : <>statement {by.index}</>} in {by.policyKind}{" "}
            <code>{by.policyArn ?? by.policyName}</code>
            {by.target ? (
              <>
                {" "}
                attached to <code>{by.target}</code>
              </>
            ) : null}
          </dd>
        </dl>
      ) : null}
      {v.note ? <p class="muted">{v.note}</p> : null}
      {v.unknowns.length ? (
        <>
          <h3>What the model does not know</h3>
          <ul class="plain">
            {v.unknowns.map((u) => (
              <li>{u}</li>
            ))}
          </ul>
        </>
      ) : null}
      {v.unavailableContextKeys.length ? (
        <p class="muted small">Context keys the trail cannot supply: {v.unavailableContextKeys.join(", ")}</p>
      ) : null}
      <details>
        <summary>Evaluation trace ({v.trace.length} steps)</summary>
        <ul class="plain small">
          {v.trace.map((t) => (
            <li>
              <code>{t}</code>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
};

const Evidence: FC<{ role: RoleCatalogEntry }> = ({ role }) => {
  const lead = role.kinds[0];
  if (!lead || lead.evidence.length === 0) return null;
  return (
    <details>
      <summary>
        Why deniedby thinks {role.roleName} is {lead.kind} ({lead.evidence.length} piece
        {lead.evidence.length === 1 ? "" : "s"} of evidence)
      </summary>
      <ul class="plain small">
        {lead.evidence.map((ev) => (
          <li>
            <code>{ev.signal}</code> {ev.detail} <span class="muted">(weight {ev.weight.toFixed(2)})</span>
          </li>
        ))}
      </ul>
    </details>
  );
};

const Change: FC<{ e: Explanation; role: RoleCatalogEntry | null }> = ({ e, role }) => (
  <section aria-labelledby="change" class="panel">
    <h2 id="change">What to change</h2>
    <p>
      <strong>{targetLabel(e.fix.target)}</strong> <span class="muted small">({e.fix.target})</span>
      {e.fix.roleArn ? (
        <>
          {": "}
          <a href={rolePath(e.fix.roleArn)}>
            <code>{e.fix.roleArn}</code>
          </a>
        </>
      ) : null}{" "}
      <span class="muted small">confidence {Math.round(e.fix.confidence * 100)}%</span>
    </p>
    <p>{e.fix.summary}</p>
    {e.fix.reasoning.length && e.fix.reasoning.join(" ") !== e.fix.summary ? (
      <>
        <h3>Why</h3>
        <ol class="reasoning">
          {e.fix.reasoning.map((r) => (
            <li>{r}</li>
          ))}
        </ol>
      </>
    ) : null}
    {role ? <Evidence role={role} /> : null}
  </section>
);

const Fix: FC<{ e: Explanation }> = ({ e }) => (
  <section aria-labelledby="fix">
    <h2 id="fix">The fix</h2>
    {e.fix.verified ? (
      <p>
        <strong>Verified in the policy model:</strong> {e.fix.verified}
      </p>
    ) : null}
    {e.fix.policy ? (
      <CopyBlock
        id="fix-policy"
        title={e.fix.target === "trust-policy" ? "Trust policy statement" : "Policy"}
        text={JSON.stringify(e.fix.policy, null, 2)}
      />
    ) : (
      <p class="muted">No policy: the fix is a change to the denying policy or a setting (see above).</p>
    )}
    {e.fix.commands.map((command, i) => (
      <CopyBlock
        id={`fix-command-${i + 1}`}
        title={i === 0 ? "Command" : `Command ${i + 1}`}
        text={command}
      />
    ))}
    {e.fix.infrastructureCode ? (
      <details>
        <summary>As infrastructure code (Terraform, CloudFormation, CDK)</summary>
        <CopyBlock id="fix-terraform" title="Terraform" text={e.fix.infrastructureCode.terraform} />
        <CopyBlock
          id="fix-cloudformation"
          title="CloudFormation"
          text={e.fix.infrastructureCode.cloudFormation}
        />
        <CopyBlock id="fix-cdk" title="CDK (TypeScript)" text={e.fix.infrastructureCode.cdk} />
      </details>
    ) : null}
    {e.fix.consoleTexts.length ? (
      <>
        <h3>What the ECS console shows for this failure</h3>
        {e.fix.consoleTexts.map((t) => (
          <pre>{t}</pre>
        ))}
      </>
    ) : null}
  </section>
);

export const DenialPage: FC<{ view: DenialView; chrome: PageChrome }> = ({ view, chrome }) => {
  const e = view.explanation;
  return (
    <Layout title={`Denied: ${e.action ?? e.eventName}`} chrome={chrome}>
      <h1>
        Denied: <code>{e.action ?? `${e.eventSource} ${e.eventName}`}</code>
      </h1>
      <p class="lead">{e.summary}</p>
      <What e={e} time={view.row.eventTime} />
      <Model e={e} />
      <Change e={e} role={view.role} />
      <Fix e={e} />
      {e.caveats.length ? (
        <section aria-labelledby="caveats">
          <h2 id="caveats">Caveats</h2>
          <ul class="plain">
            {e.caveats.map((c) => (
              <li>{c.text}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2>More</h2>
      <ul class="plain">
        {view.incident ? (
          <li>
            <a href={incidentPath(view.incident.id)}>The incident</a>:{" "}
            {view.incident.count.toLocaleString("en-US")} denial{view.incident.count === 1 ? "" : "s"} like
            this one
          </li>
        ) : null}
        <li>
          <a href={rolePath(e.principal.roleArn ?? e.principal.arn)}>The denied role</a>
        </li>
        <li>
          <a href={`/v1/denials/${encodeURIComponent(e.eventId)}`}>This explanation as JSON</a>
        </li>
      </ul>
      <details>
        <summary>The raw CloudTrail record ({e.eventId})</summary>
        <pre>{view.raw}</pre>
      </details>
    </Layout>
  );
};
