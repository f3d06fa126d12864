import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientAuth, ExternalNameBackend, ServiceBackend, UpstreamCredential, AwsSecretsManagerStore } from '../../src';
import { buildAccessReport, escapeDotString, escapeMermaidLabel, formatAccessReport, renderDot, renderMermaid } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

const HAS_GRAPHVIZ = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;

/** What Mermaid reads back from a label written by escapeMermaidLabel: `<br>` a line break, `#N;` the character N. */
function readMermaidLabel(label: string): string {
  return label
    .split('<br>')
    .map((line) => line.replace(/#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n))))
    .join('\n');
}

/** What Graphviz reads back from a quoted string written by escapeDotString (`\\`, `\"`, `\n`, `&amp;`). */
function readDotString(quoted: string): string {
  return quoted.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c)).replace(/&amp;/g, '&');
}

/** The text as a label can hold it: CR/CRLF as LF, other control characters as spaces. */
const asLabel = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ');

/** Any text, weighted towards the characters each syntax gives a meaning to. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', "'", '`', '\\', '#', ';', '<', '>', '&', '&amp;', '&#35;', '&lt;', '#quot;', '\\N', '|', '[', ']', '{', '}', '(', ')', '%', '\n', '\r', '\t', '-', '>', 'end', 'br', '\u0000', '\u2028', '→', '😀'),
    fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
  ),
  maxLength: 40,
});

describe('Mermaid label escaping', () => {
  it('gives back every text, and leaves nothing Mermaid or HTML would interpret (property)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeMermaidLabel(text);
        expect(readMermaidLabel(escaped)).toBe(asLabel(text));
        // Only allow-listed characters, entity codes and our own line breaks.
        expect(escaped).toMatch(/^(?:[A-Za-z0-9 .,:/_+=@?!()'*~^$-]|#\d+;|<br>)*$/);
      }),
      { numRuns: 500, seed: 1457 },
    );
  });

  it('writes the characters that end a label or start markup as entity codes', () => {
    expect(escapeMermaidLabel('a"b')).toBe('a#34;b');
    expect(escapeMermaidLabel('<img src=x onerror=alert(1)>')).toBe('#60;img src=x onerror=alert(1)#62;');
    expect(escapeMermaidLabel('#35;')).toBe('#35;35#59;');
    expect(escapeMermaidLabel('one\r\ntwo')).toBe('one<br>two');
    expect(escapeMermaidLabel('%%{init}%%')).toBe('#37;#37;#123;init#125;#37;#37;');
  });
});

describe('DOT string escaping', () => {
  it('gives back every text and never closes the quoted string early (property)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeDotString(text);
        expect(readDotString(escaped)).toBe(asLabel(text));
        // Every quote and backslash is escaped, every & starts &amp;; no raw line break or control character remains.
        expect(escaped).toMatch(/^(?:[^"\\&\u0000-\u001f\u007f]|\\["\\n]|&amp;)*$/);
      }),
      { numRuns: 500, seed: 1457 },
    );
  });

  it('keeps a user backslash from becoming a DOT label escape, and an entity from being decoded', () => {
    expect(escapeDotString('C:\\N\\G "x"')).toBe('C:\\\\N\\\\G \\"x\\"');
    expect(escapeDotString('a\nb')).toBe('a\\nb');
    expect(escapeDotString('/a&amp;b')).toBe('/a&amp;amp;b');
  });

  /** The `<text>` lines Graphviz draws for a one-node graph whose label is `text`. */
  const drawnByGraphviz = (text: string): string[] => {
    const svg = spawnSync('dot', ['-Tsvg'], { input: `digraph { a [label="${escapeDotString(text)}"]; }`, encoding: 'utf8', timeout: 30_000 });
    expect(svg.status, svg.stderr).toBe(0);
    const xml = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');
    return [...svg.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => xml(m[1]));
  };

  // Graphviz is a Debian package (graphviz); where it is not installed this one is reported skipped.
  it.skipIf(!HAS_GRAPHVIZ)('is read back by Graphviz itself, line by line (property, real dot)', () => {
    // Lines Graphviz draws as they are: no empty line, no edge spaces (it centres, and drops empty lines).
    const line = hostile.map((s) => asLabel(s).replace(/\n/g, ' ').replace(/\s+/g, ' ').trim()).filter((s) => s.length > 0);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 3 }), (lines) => {
        expect(drawnByGraphviz(lines.join('\n'))).toEqual(lines);
      }),
      { numRuns: 40, seed: 1458 },
    );
  });
});

describe('topology diagrams', () => {
  const topology = () =>
    topologyOf((app) => {
      const g = gatewayChart(app);
      const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws');
      api(g.chart, g.gateway, 'orders', {
        upstreamAuth: UpstreamCredential.header('X-Api-Key', aws.secretRef({ remoteKey: 'prod/orders', property: 'key', secretName: 'orders-up', key: 'k' })),
      });
      api(g.chart, g.gateway, 'health', { clientAuth: ClientAuth.none(), scopes: [], backend: ServiceBackend.fromServiceName('health', { port: 8080 }) });
      api(g.chart, g.gateway, 'legacy', { backend: ExternalNameBackend.fromService('legacy', 'legacy.example.net', { port: 80 }) });
    });

  it('draws callers → routes in their gateway → backends, with scopes and credentials on the arrows (Mermaid)', () => {
    expect(renderMermaid(topology())).toBe(
      [
        'flowchart LR',
        '  c0(["JWT callers<br>issuer https://login.example.com/<br>audience shop-api"])',
        '  c1(["PUBLIC: anyone"])',
        '  subgraph g0["Gateway test/gateway<br>traefik-hub in shop"]',
        '    direction TB',
        '    r0_0["api.example.com/orders<br>GET"]',
        '    r0_1["api.example.com/health<br>GET"]',
        '    r0_2["api.example.com/legacy<br>GET"]',
        '  end',
        '  b0[("ExternalName orders-backend<br>https://orders.example.net:443")]',
        '  b1[("Service health<br>http://health.shop.svc:8080")]',
        '  b2[("ExternalName legacy<br>http://legacy.example.net:80")]',
        '  c0 -->|"scopes orders:read"| r0_0',
        '  r0_0 -->|"header X-Api-Key from AWS SM prod/orders#35;key"| b0',
        '  c1 -->|"no credential"| r0_1',
        '  r0_1 -.->|"no upstream credential<br>plain HTTP"| b1',
        '  c0 -->|"scopes legacy:read"| r0_2',
        '  r0_2 -.->|"no upstream credential<br>plain HTTP"| b2',
        '  classDef public fill:#fde2e2,stroke:#c62828,color:#7f0000',
        '  class c1,r0_1 public',
        '',
      ].join('\n'),
    );
  });

  it('draws the same picture in DOT, one cluster per gateway', () => {
    const dot = renderDot(topology());
    expect(dot).toContain('  subgraph cluster_g0 {\n    label="Gateway test/gateway\\ntraefik-hub in shop";');
    expect(dot).toContain('  c1 [label="PUBLIC: anyone", shape=ellipse, color="#c62828", fontcolor="#7f0000"];');
    expect(dot).toContain('  r0_2 -> b2 [label="no upstream credential\\nplain HTTP", style=dashed, color="#c62828"];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('escapes what users wrote (hosts, paths, scopes, names) in both syntaxes', () => {
    const t = topologyOf((app) => {
      const g = gatewayChart(app);
      api(g.chart, g.gateway, 'quotes', { path: "/a'b&c", scopes: ['x]-->|y|<b>'] });
    });
    const mermaid = renderMermaid(t);
    // The model refuses quotes in paths and scopes; what it admits still reaches the diagrams escaped.
    expect(mermaid).toContain(`r0_0["api.example.com/a'b#38;c<br>GET"]`);
    expect(mermaid).toContain('c0 -->|"scopes x#93;--#62;#124;y#124;#60;b#62;"| r0_0');
    const dot = renderDot(t);
    expect(dot).toContain(`r0_0 [label="api.example.com/a'b&amp;c\\nGET", shape=box];`);
    expect(dot).toContain('c0 -> r0_0 [label="scopes x]-->|y|<b>"];');
  });

  it('embeds the Mermaid diagram in the Markdown report, and none when there is no route', () => {
    const md = formatAccessReport(buildAccessReport(topology()), 'markdown');
    expect(md).toContain(`\`\`\`mermaid\n${renderMermaid(topology())}\`\`\``);
    expect(formatAccessReport(buildAccessReport({ version: 1, gateways: [], networkPolicies: [], workloads: [], forwardAuthListeners: [] }), 'markdown')).not.toContain('```mermaid');
  });
});
