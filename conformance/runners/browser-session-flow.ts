import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiRouteModel } from '../../src/model';
import { CaseKind } from '../cases/case-kind';
import type { ConformanceCase } from '../cases/conformance-case';
import type { Observation, Verdict } from '../cases/verdict';
import { backendId } from '../cases/route-expectations';
import type { OpenIdProviderStandIn } from '../identity/openid-provider';
import type { ObservedRequest } from '../network/origin-server';
import type { LoopbackWorld } from '../world/loopback-world';
import type { CaseResult } from './run-cases';

/** Where Debian installs Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Bound on one browser step (a navigation with its redirects, a login form). */
const STEP_TIMEOUT_MS = 30_000;

export interface BrowserFlowInput {
  readonly world: LoopbackWorld;
  readonly idp: OpenIdProviderStandIn;
  /** The session-protected apps, in declaration order (at least two for the single-sign-on step). */
  readonly apps: readonly ApiRouteModel[];
  readonly gatewayNamespace: string | undefined;
  /** The login name to sign in with and what the app must then be told. */
  readonly user: { readonly login: string; readonly email: string; readonly groups: readonly string[] };
  /** The apps' sign-out link (`OAuth2ProxyAuth.signOutUrl()`); `/oauth2/sign_out` on the first app otherwise. */
  readonly signOutUrl?: string;
}

const IDENTITY = ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups'];

/**
 * Headless Chromium (Debian's, driven by playwright-core) through the whole browser journey
 * the OAuth2 Proxy example promises: open a protected app without a session and be sent to
 * the identity provider; sign in there (its own login and consent pages) and land back on
 * the app, whose backend receives the `X-Auth-Request-*` identity; open a second app on the
 * same cookie domain without a second login; see the app's own 401; sign out and be refused.
 * Chromium reaches every host through the loopback network (`--proxy-server`), so it names
 * the example's real host names and the same Traefik serves it.
 */
export async function runBrowserSessionFlow(input: BrowserFlowInput): Promise<CaseResult[]> {
  // playwright-core is loaded only when a browser runs: `npm test` never pays for it.
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'gw-conformance-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--proxy-server=${input.world.network.proxyUrl}`,
      // Nothing reaches a real resolver: every name goes through the loopback network.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const results: CaseResult[] = [];
  const [first, second, third] = input.apps;
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const appUrl = (r: ApiRouteModel, path = '/conformance-app') => `https://${r.host}${path}`;
  const backendOf = (r: ApiRouteModel) => input.world.backends.get(backendId(r.backend, input.gatewayNamespace));
  const record = (route: ApiRouteModel, kind: CaseKind, target: string, verdict: Verdict, status: number, backendRequests: readonly ObservedRequest[]) => {
    const c: ConformanceCase = { id: `${route.name}/${kind}`, route: route.name, kind, request: { method: 'GET', host: route.host, target, headers: [] }, expect: { outcome: 'refused', statuses: [] } };
    const observation: Observation = { status, headers: {}, body: '', seconds: 0, backendRequests };
    results.push({ gateway: 'browser', case: c, observation, verdict });
  };

  try {
    // 1. No session: where does the first answer send the browser?
    const firstStatuses: { url: string; status: number; location?: string }[] = [];
    page.on('response', (r) => {
      if (r.request().isNavigationRequest()) firstStatuses.push({ url: r.url(), status: r.status(), ...(r.headers().location ? { location: r.headers().location } : {}) });
    });
    const target = appUrl(first);
    const before = input.idp.authorizationRequests;
    await page.goto(target, { waitUntil: 'load' });
    const opening = firstStatuses.find((r) => r.url === target);
    const redirected = opening !== undefined && opening.status >= 300 && opening.status < 400 && (opening.location ?? '').startsWith(input.idp.issuer);
    record(
      first,
      CaseKind.BROWSER_SENT_TO_LOGIN,
      target,
      {
        verdict: redirected ? 'redirected to the identity provider' : opening ? `answered ${opening.status}${(await page.content()).includes('Sign in with') ? ' with the OAuth2 Proxy sign-in page' : ''}` : 'no answer',
        asModelExpects: redirected,
        evidence: `first answer ${opening ? `${opening.status}${opening.location ? ` Location ${opening.location}` : ''}` : 'none'}; page ${page.url()}`,
      },
      opening?.status ?? 0,
      [],
    );

    // 2. Sign in. From the sign-in page the button starts the login (today's rendering).
    const firstBackend = backendOf(first);
    const mark = firstBackend?.seen.length ?? 0;
    const signInButton = page.locator('form[action*="/oauth2/start"] button, button:has-text("Sign in with")');
    if (!page.url().startsWith(input.idp.issuer) && (await signInButton.count()) > 0) await signInButton.first().click();
    await page.waitForURL((u) => u.href.startsWith(input.idp.issuer), { timeout: STEP_TIMEOUT_MS });
    await page.fill('input[name="login"]', input.user.login);
    await page.fill('input[name="password"]', 'conformance-password');
    await page.click('button[type="submit"]');
    const consent = page.locator('button:has-text("Continue")');
    await page.waitForLoadState('load');
    if (page.url().startsWith(input.idp.issuer) && (await consent.count()) > 0) await consent.first().click();
    await page.waitForURL((u) => u.host === first.host, { timeout: STEP_TIMEOUT_MS });
    await page.waitForLoadState('load');
    const arrived = firstBackend?.since(mark) ?? [];
    const last = arrived[arrived.length - 1];
    const identity = last ? IDENTITY.map((h) => [h, last.headers.find(([k]) => k.toLowerCase() === h.toLowerCase())?.[1]] as const) : [];
    const identityOk =
      last !== undefined &&
      identity.every(([, v]) => v !== undefined) &&
      identity[1][1] === input.user.email &&
      input.user.groups.every((g) => (identity[2][1] ?? '').split(',').includes(g));
    record(
      first,
      CaseKind.BROWSER_SIGNS_IN,
      target,
      {
        verdict: identityOk ? 'signed in; the backend got the identity headers' : last ? 'signed in; identity headers missing or wrong at the backend' : 'never reached the backend',
        asModelExpects: identityOk,
        evidence: `landed on ${page.url()}; backend saw ${identity.map(([k, v]) => `${k}: ${v ?? '(none)'}`).join(', ') || 'nothing'}; IdP authorizations ${input.idp.authorizationRequests - before}`,
      },
      200,
      arrived,
    );

    // 3. Single sign-on: the second app, no second authorization.
    if (second) {
      const backend = backendOf(second);
      const m = backend?.seen.length ?? 0;
      const authBefore = input.idp.authorizationRequests;
      const response = await page.goto(appUrl(second), { waitUntil: 'load' });
      const reached = backend?.since(m) ?? [];
      const user = reached[0]?.headers.find(([k]) => k.toLowerCase() === 'x-auth-request-email')?.[1];
      const ok = page.url().startsWith(`https://${second.host}/`) && reached.length > 0 && user === input.user.email && input.idp.authorizationRequests === authBefore;
      record(
        second,
        CaseKind.BROWSER_SINGLE_SIGN_ON,
        appUrl(second),
        { verdict: ok ? 'served without a second login' : 'not served without a login', asModelExpects: ok, evidence: `status ${response?.status()}; page ${page.url()}; new IdP authorizations ${input.idp.authorizationRequests - authBefore}; backend user ${user ?? '(none)'}` },
        response?.status() ?? 0,
        reached,
      );
    }

    // 4. The app's own 401 (its session expired, say) must reach the browser as the app's answer.
    const unauthorizedApp = third ?? second ?? first;
    {
      const path = '/conformance-status-401';
      const backend = backendOf(unauthorizedApp);
      const m = backend?.seen.length ?? 0;
      const response = await page.goto(appUrl(unauthorizedApp, path), { waitUntil: 'load' });
      const body = await page.content();
      const fromBackend = body.includes('"origin"') && body.includes('conformance-status-401');
      const ok = response?.status() === 401 && fromBackend;
      record(
        unauthorizedApp,
        CaseKind.BROWSER_BACKEND_401,
        appUrl(unauthorizedApp, path),
        {
          verdict: ok ? "the app's 401 reached the browser" : body.includes('Sign in with') ? `replaced by the sign-in page (${response?.status()})` : `answered ${response?.status()}`,
          asModelExpects: ok,
          evidence: `status ${response?.status()}; backend requests ${(backend?.since(m) ?? []).length}; page ${page.url()}`,
        },
        response?.status() ?? 0,
        backend?.since(m) ?? [],
      );
    }

    // 5. Sign out (OAuth2 Proxy's session, then the provider's), then the app must not be served.
    {
      const signOut = input.signOutUrl ?? appUrl(first, '/oauth2/sign_out');
      await page.goto(signOut, { waitUntil: 'load' });
      const backend = backendOf(first);
      const m = backend?.seen.length ?? 0;
      const response = await page.goto(appUrl(first), { waitUntil: 'load' });
      const reached = backend?.since(m) ?? [];
      const ok = reached.length === 0 && !page.url().startsWith(`https://${first.host}/conformance-app`) || (reached.length === 0 && (await page.content()).includes('Sign in with'));
      record(
        first,
        CaseKind.BROWSER_LOGOUT,
        signOut,
        { verdict: ok ? 'signed out; the app is not served' : 'still served after sign-out', asModelExpects: ok, evidence: `after sign-out: status ${response?.status()}, page ${page.url()}, backend requests ${reached.length}` },
        response?.status() ?? 0,
        reached,
      );
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return results;
}
