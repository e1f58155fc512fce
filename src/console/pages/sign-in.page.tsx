import type { FC } from "hono/jsx";
import { Layout } from "../components/layout.js";

/** The sign-in form: the API token, posted to this site only (never echoed back, never put in a URL). */
export const SignInPage: FC<{ next: string | undefined; failed: boolean }> = ({ next, failed }) => (
  <Layout title="Sign in" chrome={{ signedIn: false }}>
    <h1>Sign in</h1>
    <p>This deniedby needs its API token (DENIEDBY_API_TOKEN) to show its pages.</p>
    {failed ? (
      <p class="note" role="alert">
        That token is not valid.
      </p>
    ) : null}
    <form method="post" action="/sign-in" class="filters">
      <input type="hidden" name="next" value={next ?? "/"} />
      <label>
        API token
        <input name="token" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="btn primary">
        Sign in
      </button>
    </form>
  </Layout>
);
