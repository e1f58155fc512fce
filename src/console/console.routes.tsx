import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { raw } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { AppDeps as Deps } from "../http/app-deps.js";
import type { AppEnv } from "../http/app-env.js";
import { examplesStatus } from "../pipeline/examples.js";
import { InvalidInputError } from "../shared/errors.js";
import { MessagePage, type PageChrome } from "./components/layout.js";
import { clearSession, createConsoleAuth, requireSession, setSession } from "./console.auth.js";
import { consoleScript } from "./console.client.js";
import { consoleCss } from "./console.css.js";
import {
  IncidentsQuery,
  NoQuery,
  parseQuery,
  type QueryResult,
  ReportPageQuery,
  RoleQuery,
  SearchQuery,
  SignInQuery,
} from "./console.schemas.js";
import { createConsoleUsecases } from "./console.usecases.js";
import { DenialPage } from "./pages/denial.page.js";
import { IncidentPage } from "./pages/incident.page.js";
import { IncidentList, IncidentsPage } from "./pages/incidents.page.js";
import { ReportPage } from "./pages/report.page.js";
import { RolePage } from "./pages/role.page.js";
import { SearchPage } from "./pages/search.page.js";
import { SignInPage } from "./pages/sign-in.page.js";

/**
 * Every path the console answers; once a token is set, its sign-in covers these. Its security headers (no inline
 * script or style, no framing) are the app's, on every response (src/http/secure-headers.ts).
 */
const CONSOLE_PATHS = [
  "/",
  "/denials/*",
  "/incidents/*",
  "/roles",
  "/report",
  "/search",
  "/sign-in",
  "/sign-out",
];

function page(c: Context<AppEnv>, element: JSX.Element, status: 200 | 400 | 401 | 403 | 404 = 200) {
  c.header("cache-control", "no-store");
  return c.html(raw(`<!doctype html>${String(element)}`), status);
}

function badRequest(c: Context<AppEnv>, chrome: PageChrome, message: string) {
  return page(
    c,
    <MessagePage title="That address is not one this console understands" chrome={chrome}>
      <p>
        <code>{message}</code>
      </p>
    </MessagePage>,
    400,
  );
}

function notFound(c: Context<AppEnv>, chrome: PageChrome, what: string) {
  return page(
    c,
    <MessagePage title="Not found" chrome={chrome}>
      <p>{what}</p>
    </MessagePage>,
    404,
  );
}

/** A form POST from another site is refused (SameSite=Strict already keeps the cookie off it; this is the second lock). */
function sameOriginForms(publicUrl: string | undefined): MiddlewareHandler<AppEnv> {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : null;
  const guard = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
  });
  return async (c, next) => {
    try {
      return await guard(c, next);
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403)
        return page(
          c,
          <MessagePage title="Refused" chrome={{ signedIn: false }}>
            <p>This form can only be sent from deniedby's own pages.</p>
          </MessagePage>,
          403,
        );
      throw error;
    }
  };
}

function registerAssets(app: OpenAPIHono<AppEnv>): void {
  app.get("/assets/console.css", (c) =>
    c.body(consoleCss, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }),
  );
  app.get("/assets/console.js", (c) =>
    c.body(consoleScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-cache",
    }),
  );
}

function registerSignIn(
  app: OpenAPIHono<AppEnv>,
  deps: Deps,
  auth: ReturnType<typeof createConsoleAuth>,
): void {
  const forms = sameOriginForms(deps.config.DENIEDBY_PUBLIC_URL);
  app.use("/sign-in", forms);
  app.use("/sign-out", forms);
  app.get("/sign-in", (c) => {
    const q = parseQuery(c.req.url, SignInQuery);
    if (!auth.enabled) return c.redirect("/", 303);
    return page(c, <SignInPage next={q.ok ? q.value.next : undefined} failed={false} />);
  });
  app.post("/sign-in", async (c) => {
    if (!auth.enabled) return c.redirect("/", 303);
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : "";
    const next = SignInQuery.safeParse({ next: typeof form.next === "string" ? form.next : undefined });
    const target = next.success ? (next.data.next ?? "/") : "/";
    if (!auth.tokenMatches(token)) return page(c, <SignInPage next={target} failed={true} />, 401);
    setSession(c, auth);
    return c.redirect(target, 303);
  });
  app.post("/sign-out", (c) => {
    clearSession(c);
    return c.redirect(auth.enabled ? "/sign-in" : "/", 303);
  });
}

/** Runs a page's handler with its parsed query; a bad query or input is a 400 page naming the parameter. */
function withQuery<T>(
  c: Context<AppEnv>,
  chrome: PageChrome,
  parsed: QueryResult<T>,
  render: (value: T) => Response,
): Response {
  if (!parsed.ok) return badRequest(c, chrome, parsed.message);
  try {
    return render(parsed.value);
  } catch (error) {
    if (error instanceof InvalidInputError) return badRequest(c, chrome, error.message);
    throw error;
  }
}

function registerPages(app: OpenAPIHono<AppEnv>, deps: Deps, authOn: boolean): void {
  const use = createConsoleUsecases(deps);
  const chrome: PageChrome = {
    signedIn: authOn,
    // Read as each page renders: real data may join the examples while the server runs.
    get examples() {
      return examplesStatus(deps.store);
    },
  };
  app.get("/", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, IncidentsQuery), (q) => {
      const view = use.incidents(q);
      // The auto-refresh asks for the list only.
      if (c.req.header("x-deniedby-refresh") === "1") return page(c, <IncidentList view={view} q={q} />);
      return page(c, <IncidentsPage view={view} q={q} chrome={chrome} />);
    }),
  );
  app.get("/denials/:eventId", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, NoQuery), () => {
      const eventId = c.req.param("eventId");
      const view = use.denial(eventId);
      if (!view) return notFound(c, chrome, `No stored denial has the event id ${eventId}.`);
      return page(c, <DenialPage view={view} chrome={chrome} />);
    }),
  );
  app.get("/incidents/:id", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, NoQuery), () => {
      const id = c.req.param("id");
      const view = use.incident(id);
      if (!view) return notFound(c, chrome, `No incident ${id}.`);
      return page(c, <IncidentPage view={view} chrome={chrome} />);
    }),
  );
  app.get("/roles", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, RoleQuery), ({ arn }) => {
      const view = use.role(arn);
      if (!view) return notFound(c, chrome, `deniedby has not seen ${arn}.`);
      return page(c, <RolePage view={view} chrome={chrome} />);
    }),
  );
  app.get("/report", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, ReportPageQuery), (q) =>
      page(c, <ReportPage report={use.report(q)} q={q} chrome={chrome} />),
    ),
  );
  app.get("/search", (c) =>
    withQuery(c, chrome, parseQuery(c.req.url, SearchQuery), ({ q }) => {
      const result = use.search(q);
      if (result.kind === "go") return c.redirect(result.location, 303);
      return page(
        c,
        <SearchPage q={q} result={result} chrome={chrome} />,
        result.kind === "none" && q ? 404 : 200,
      );
    }),
  );
}

/**
 * The on-call console: server-rendered pages over the same data as the JSON API (see console.usecases.ts), its own
 * stylesheet and script, and a sign-in once DENIEDBY_API_TOKEN is set.
 */
export function registerConsoleRoutes(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  const auth = createConsoleAuth(deps.config.DENIEDBY_API_TOKEN, deps.clock.now);
  registerAssets(app);
  registerSignIn(app, deps, auth);
  const session = requireSession(auth);
  for (const path of CONSOLE_PATHS.filter((p) => p !== "/sign-in" && p !== "/sign-out"))
    app.use(path, session);
  registerPages(app, deps, auth.enabled);
}
