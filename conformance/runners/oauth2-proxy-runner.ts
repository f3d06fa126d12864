import { existsSync } from 'node:fs';
import { OAuth2ProxyAuth } from '../../src/constructs/oauth2-proxy/oauth2-proxy-auth';
import type { SynthesizedApp } from '../app/synthesized-app';
import { CaseKind } from '../cases/case-kind';
import type { DiscoveredEngine } from '../engines/engine-discovery';
import { EngineName } from '../engines/engine-names';
import { OpenIdProviderStandIn } from '../identity/openid-provider';
import { findOAuth2ProxyDeployment, flagValue, startOAuth2ProxyPod } from '../kubernetes/oauth2-proxy-pod';
import { podTemplateOf } from '../kubernetes/running-pod';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { CHROMIUM, runBrowserSessionFlow } from './browser-session-flow';
import type { EngineRun } from './engine-run';
import type { CaseResult } from './run-cases';
import { startTraefikCluster } from './traefik-cluster';

/**
 * The OAuth2 Proxy column: the synthesized OAuth2 Proxy Deployment run as its binary, behind
 * real Traefik (forwardAuth, errors middleware and the `/oauth2/` IngressRoute exactly as
 * synthesized), a real OpenID Provider at the configured issuer, and headless Chromium.
 */
export async function runOAuth2Proxy(app: SynthesizedApp, engine: DiscoveredEngine & { available: true }, traefik: DiscoveredEngine & { available: true }, ca: LocalCertificateAuthority): Promise<EngineRun> {
  const fail = (error: string): EngineRun => ({ status: 'failed', engine: EngineName.OAUTH2_PROXY, error, notes: [] });
  if (!existsSync(CHROMIUM)) return { status: 'skipped', engine: EngineName.OAUTH2_PROXY, reason: `no ${CHROMIUM} (apt-get install -y chromium)` };
  const deployment = findOAuth2ProxyDeployment(app.objects);
  if (!deployment) return fail('the app synthesizes no OAuth2 Proxy Deployment');
  const container = podTemplateOf(deployment).container;
  const args = (container.args ?? []) as string[];
  const issuer = flagValue(args, '--oidc-issuer-url');
  const redirect = flagValue(args, '--redirect-url');
  if (!issuer || !redirect) return fail('the OAuth2 Proxy container has no --oidc-issuer-url or --redirect-url');
  const groups = args.filter((a) => a.startsWith('--allowed-group=')).map((a) => a.slice('--allowed-group='.length));
  const gateway = app.gateways.find((g) => g.routes.some((r) => r.clientAuth.kind === 'oidcSession'));
  const apps = gateway?.routes.filter((r) => r.clientAuth.kind === 'oidcSession') ?? [];
  if (!gateway || apps.length === 0) return fail('no route of the app uses the OAuth2 Proxy session');
  const user = { login: 'alice', email: `alice@${new URL(redirect).hostname.split('.').slice(1).join('.')}`, groups };

  const namespace = deployment.metadata.namespace ?? 'default';
  const envValue = (name: string, secrets: { value(n: string, k: string, ns?: string): string | undefined }) => {
    const ref = ((container.env ?? []) as { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]).find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    return ref ? secrets.value(ref.name, ref.key, namespace) : undefined;
  };
  let idp: OpenIdProviderStandIn | undefined;
  let image = '';
  let cluster;
  try {
    cluster = await startTraefikCluster(app, traefik, ca, async (world, secrets) => {
      // OAuth2 Proxy discovers the issuer at start-up: the provider must answer first.
      idp = await OpenIdProviderStandIn.start(
        issuer,
        { clientId: envValue('OAUTH2_PROXY_CLIENT_ID', secrets) ?? '', clientSecret: envValue('OAUTH2_PROXY_CLIENT_SECRET', secrets) ?? '', redirectUris: [redirect] },
        { [user.login]: { email: user.email, groups: user.groups } },
        ca,
        world.network,
      );
      const pod = await startOAuth2ProxyPod(deployment, engine, secrets, world, ca);
      image = pod.image;
      return [pod];
    });
  } catch (err) {
    await idp?.close();
    return fail((err as Error).message);
  }
  try {
    // The apps' "sign out" link, as the construct tells apps to render it.
    const auth = app.app.node.findAll().find((c): c is OAuth2ProxyAuth => c instanceof OAuth2ProxyAuth);
    const results: CaseResult[] = await runBrowserSessionFlow({ world: cluster.world, idp: idp!, apps, gatewayNamespace: gateway.namespace, user, signOutUrl: auth?.signOutUrl() });
    const tag = image.slice(image.lastIndexOf(':') + 1);
    const tested = engine.version;
    results.push({
      gateway: 'image',
      case: { id: `${deployment.metadata.name}/${CaseKind.PINNED_IMAGE}`, route: deployment.metadata.name, kind: CaseKind.PINNED_IMAGE, request: { method: 'GET', host: '', target: image, headers: [] }, expect: { outcome: 'refused', statuses: [] } },
      observation: { status: 0, headers: {}, body: '', seconds: 0, backendRequests: [] },
      verdict: {
        verdict: tag === tested ? 'renders the tested release' : `renders ${tag}, the suite ran ${tested}`,
        asModelExpects: tag === tested,
        evidence: `Deployment image ${image}; binary reports ${tested}`,
      },
    });
    cluster.collectLogNotes();
    const unrouted = [...new Set(cluster.world.network.unrouted.map((u) => u.authority))];
    if (unrouted.length) cluster.notes.push({ topic: 'network', text: `calls to unknown hosts (browser sub-resources included): ${unrouted.join(', ')}` });
    return { status: 'ran', engine: EngineName.OAUTH2_PROXY, version: engine.version, results, notes: cluster.notes };
  } catch (err) {
    const pod = cluster.pods.find((p) => p.description.startsWith('oauth2-proxy'));
    return { status: 'failed', engine: EngineName.OAUTH2_PROXY, error: `${(err as Error).message}\n--- oauth2-proxy\n${pod?.logs.slice(-15).join('\n')}\n--- traefik\n${cluster.traefik.tail(15)}`, notes: cluster.notes };
  } finally {
    await cluster.stop();
    await idp?.close();
  }
}
