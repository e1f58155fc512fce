import type { Child, FC } from "hono/jsx";
import type { ExamplesStatus } from "../../pipeline/examples.js";

export interface PageChrome {
  /** A session is required (a token is configured): the header offers sign-out. */
  signedIn: boolean;
  /** What the search box holds. */
  query?: string;
  /** Whether the database holds the bundled examples: `mixed` (beside real data) shows a warning on every page. */
  examples?: ExamplesStatus;
}

/**
 * Every console page: skip link, header (name, the two lists, search on every page, sign-out), main, footer. One
 * stylesheet and one deferred script, both served by deniedby: no inline script or style, nothing from elsewhere.
 */
export const Layout: FC<{ title: string; chrome: PageChrome; children?: Child }> = ({
  title,
  chrome,
  children,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <meta name="referrer" content="same-origin" />
      <title>{`${title} · deniedby`}</title>
      <link rel="stylesheet" href="/assets/console.css" />
      <script src="/assets/console.js" defer />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Main">
          <a class="brand" href="/">
            deniedby
          </a>
          <a href="/">Incidents</a>
          <a href="/report">Report</a>
        </nav>
        <search class="search">
          <form action="/search" method="get">
            <label for="search-q" class="sr-only">
              Search by event id, role ARN, session ARN, role name, or a pasted error message
            </label>
            <input
              id="search-q"
              name="q"
              type="search"
              value={chrome.query ?? ""}
              placeholder="Event id, role ARN or name, or an error message"
              autocomplete="off"
            />
            <button type="submit" class="btn">
              Search
            </button>
          </form>
        </search>
        {chrome.signedIn ? (
          <form class="out" method="post" action="/sign-out">
            <button type="submit" class="btn link">
              Sign out
            </button>
          </form>
        ) : null}
      </header>
      <main id="main" tabindex={-1}>
        {chrome.examples === "mixed" ? (
          <p class="note" role="status">
            This database mixes the bundled example trail with real data: run{" "}
            <code>deniedby examples remove</code> to take the examples out.
          </p>
        ) : null}
        {children}
      </main>
      <footer>
        Times are UTC; hover over one for your local time. <a href="/openapi.json">API</a>
      </footer>
      <div id="live" class="sr-only" aria-live="polite" />
    </body>
  </html>
);

/** A short page for errors and empty answers (bad query, nothing found). */
export const MessagePage: FC<{ title: string; chrome: PageChrome; children?: Child }> = ({
  title,
  chrome,
  children,
}) => (
  <Layout title={title} chrome={chrome}>
    <h1>{title}</h1>
    {children}
    <p>
      <a href="/">Back to the incidents</a>
    </p>
  </Layout>
);
