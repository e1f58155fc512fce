import type { FC } from "hono/jsx";

/**
 * Small pieces every page uses. hono/jsx escapes every text child and attribute value, which is what keeps trail
 * fields (attacker-controlled text) inert wherever they are shown: nothing here writes raw HTML.
 */

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-11-16 09:14 UTC" */
export function utc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** A time in UTC; the script puts the reader's local time in the tooltip. */
export const Time: FC<{ ms: number }> = ({ ms }) => {
  const iso = new Date(ms).toISOString();
  return (
    <time datetime={iso} title={iso}>
      {utc(ms)}
    </time>
  );
};

/** A kind with its colour dot and, when known, the classifier's confidence. */
export const KindBadge: FC<{ kind: string; confidence?: number | undefined }> = ({ kind, confidence }) => (
  <span class={`kind k-${kind}`}>
    <i aria-hidden="true" />
    {kind}
    {confidence !== undefined && kind !== "unknown" ? (
      <span class="muted"> {Math.round(confidence * 100)}%</span>
    ) : null}
  </span>
);

export const rolePath = (arn: string) => `/roles?arn=${encodeURIComponent(arn)}`;
export const denialPath = (eventId: string) => `/denials/${encodeURIComponent(eventId)}`;
export const incidentPath = (id: string) => `/incidents/${encodeURIComponent(id)}`;

/** The role's name: the last segment of its ARN. */
export const shortName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1) || arn;

/**
 * Denials per hour as bars, drawn on the server. Fixed size (reserved by the stylesheet too), so refreshing the list
 * never moves the page; the label says the total for screen readers.
 */
export const Sparkline: FC<{ counts: number[] }> = ({ counts }) => {
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const w = 4;
  return (
    <svg
      class="spark"
      width="96"
      height="28"
      viewBox={`0 0 ${counts.length * w} 28`}
      role="img"
      aria-label={`${total} denial${total === 1 ? "" : "s"} in these 24 hours, by hour`}
    >
      <line x1="0" x2={counts.length * w} y1="27.5" y2="27.5" stroke="currentColor" stroke-opacity="0.35" />
      {counts.map((n, i) => {
        const h = n === 0 ? 0 : Math.max(2, (n / max) * 26);
        return n === 0 ? null : (
          <rect x={i * w + 0.5} y={27 - h} width={w - 1} height={h} fill="currentColor" />
        );
      })}
    </svg>
  );
};

/** A block of text to copy: the button stays hidden until the script can copy. */
export const CopyBlock: FC<{ id: string; title: string; text: string }> = ({ id, title, text }) => (
  <div class="copy">
    <div class="copy-head">
      <h3 id={`${id}-title`}>{title}</h3>
      <button type="button" class="btn" data-copy={id} aria-describedby={`${id}-title`} hidden>
        Copy
      </button>
    </div>
    <pre id={id}>{text}</pre>
  </div>
);
