import type { StarterChoices } from './starter-choices';

/** One file `gatewright init` writes. */
export interface StarterFile {
  /** Path relative to the project directory. */
  readonly path: string;
  /** Full text. */
  readonly text: string;
}

/** The files of a new project, package.json aside (which init merges). */
export function starterFiles(c: StarterChoices): StarterFile[] {
  return [
    { path: 'cdk8s.yaml', text: 'language: typescript\napp: npx tsx main.ts\noutput: dist\n' },
    { path: 'main.ts', text: mainTs(c) },
    { path: 'main.test.ts', text: MAIN_TEST },
    { path: 'tsconfig.json', text: `${JSON.stringify(TSCONFIG, null, 2)}\n` },
    { path: '.gitignore', text: 'node_modules/\ndist/\n*.tsbuildinfo\n' },
    { path: 'README.md', text: readme(c) },
  ];
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    noUnusedLocals: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['*.ts'],
};

const MAIN_TEST = `import { Testing, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { build } from './main';

describe('gateway chart', () => {
  it('synthesizes the reviewed manifests', async () => {
    const chart = build(Testing.app());
    // The first run writes the snapshot: review it and commit it. From then on a change to the
    // generated manifests fails here until you look at it (update with \`npx vitest run -u\`).
    await expect(Yaml.stringify(...Testing.synth(chart))).toMatchFileSnapshot('__snapshots__/main.k8s.yaml');
  });
});
`;

/** A TypeScript string literal. */
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function gatewayLines(c: StarterChoices): { imports: string[]; code: string[] } {
  switch (c.gateway) {
    case 'traefik-hub':
      return {
        imports: ['TraefikHubGateway'],
        code: [
          "  // Traefik Hub serves the routes; `le` is the ACME cert resolver of your Traefik installation.",
          "  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });",
        ],
      };
    case 'traefik':
      return {
        imports: ['ReferenceProxy', 'TraefikGateway'],
        code: [
          '  // Open-source Traefik routes; the reference proxy checks credentials through forwardAuth.',
          "  const proxy = new ReferenceProxy(chart, 'auth-proxy', { autoscaling: { minReplicas: 2, maxReplicas: 4 }, disruptionBudget: { minAvailable: 1 } });",
          "  const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' }, proxy });",
        ],
      };
    case 'oathkeeper':
      return {
        imports: ['OathkeeperGateway'],
        code: [
          '  // Ory Oathkeeper: one access rule per SecuredApi, delivered in a ConfigMap the chart mounts (see helmValues()).',
          "  const gateway = new OathkeeperGateway(chart, 'gateway', { replicas: 2 });",
        ],
      };
    case 'reference-proxy':
      return {
        imports: ['ReferenceProxyGateway'],
        code: ['  // The bundled reference proxy is the gateway (reachable inside the cluster; see ProxyExposure to expose it).', "  const gateway = new ReferenceProxyGateway(chart, 'gateway');"],
      };
  }
}

function clientAuthLines(c: StarterChoices): { imports: string[]; props: string[] } {
  switch (c.clientAuth) {
    case 'jwt':
      return {
        imports: ['ClientAuth'],
        props: [
          '    // Replace with your identity provider; issuer and audience are always pinned.',
          '    clientAuth: ClientAuth.jwt({',
          "      jwksUrl: 'https://login.example.com/.well-known/jwks.json',",
          "      issuer: 'https://login.example.com/',",
          `      audience: ${str(c.host)},`,
          '    }),',
          "    scopes: ['orders:read'],",
        ],
      };
    case 'api-key':
      return {
        imports: ['ClientAuth', 'SecretRef'],
        props: [
          '    // The Secret holds one accepted key per data key, ideally as {SHA}<base64(sha1(key))>.',
          "    clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('orders-api-keys', 'partner-a')] }),",
        ],
      };
    case 'none':
      return { imports: ['ClientAuth'], props: ['    // Public: anyone may call it. gatewright makes you say so.', '    clientAuth: ClientAuth.none(),'] };
  }
}

function mainTs(c: StarterChoices): string {
  const gw = gatewayLines(c);
  const auth = clientAuthLines(c);
  const imports = [...new Set([...gw.imports, ...auth.imports, 'SecuredApi', 'ServiceBackend'])].sort();
  return `/**
 * The cdk8s app: one gateway and one secured API. \`npx cdk8s synth\` writes dist/*.k8s.yaml;
 * \`npx gatewright report\` prints who may call what. \`build\` is also what a Pulumi program
 * deploys (\`GatewrightStack\` from gatewright/pulumi), so it declares and does not synthesize.
 */
import { App, Chart } from 'cdk8s';
import { ${imports.join(', ')} } from 'gatewright';

export function build(app: App): Chart {
  const chart = new Chart(app, 'gateway', { namespace: ${str(c.namespace)} });
${gw.code.join('\n')}

  new SecuredApi(chart, 'orders', {
    gateway,
    host: ${str(c.host)},
    path: '/orders',
    // An in-cluster Service; ExternalNameBackend reaches an external host instead.
    backend: ServiceBackend.fromServiceName('orders', { port: 8080 }),
${auth.props.join('\n')}
    methods: ['GET'],
    // The gateway can also authenticate to the backend: upstreamAuth: UpstreamCredential.header(...) or new UpstreamOAuth(...).
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
`;
}

function readme(c: StarterChoices): string {
  return `# ${c.name}

The API gateway configuration of ${c.host}, declared with [gatewright](https://github.com/gatewright/gatewright)
(${c.gateway}, ${c.clientAuth === 'none' ? 'public' : c.clientAuth} callers) and synthesized with cdk8s.

\`\`\`sh
npm ci && npx cdk8s synth    # install, then write dist/gateway.k8s.yaml
npm test                     # type-check, and compare the manifests with the reviewed snapshot
\`\`\`

The first \`npm test\` writes \`__snapshots__/main.k8s.yaml\`; review it and commit it. Afterwards,
\`npx vitest run -u\` accepts an intended change.

- \`main.ts\` declares the gateway and the API; add SecuredApis there.
- \`npx gatewright report\` prints who may call what, with which credential (\`--format mermaid\` draws it);
  \`npx gatewright diff --base origin/main\` shows what a change does to the attack surface.
- Deploy with Pulumi: pass \`build\` to \`GatewrightStack\` from \`gatewright/pulumi\`.
`;
}
