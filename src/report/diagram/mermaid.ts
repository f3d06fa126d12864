import type { AccessTopologyModel } from '../../model';
import { buildTopologyGraph, gatewayRoutesOf, type GraphNode, type TopologyGraph } from './topology-graph';

/**
 * Characters that stand for themselves inside a quoted Mermaid label. Everything else is written
 * as an entity code (`#35;` for `#`, `#34;` for `"`): a quote would end the label, `<` `>` `&`
 * would be read as HTML (Mermaid renders labels as HTML), `|` `[` `]` `{` `}` end shapes or edge
 * labels in some positions, `#` starts an entity and `;` ends one, backticks switch to Markdown
 * strings, `%%` starts a comment. An allow-list instead of a deny-list: what Mermaid adds to its syntax later cannot
 * leak through.
 * @see https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
 */
const MERMAID_SAFE = /[A-Za-z0-9 .,:/_+=@?!()'*~^$-]/u;

/**
 * One line of user text as the inside of a quoted Mermaid label (`"…"`). Line breaks become
 * `<br>`; other control characters become spaces. Decoding the entities gives the text back.
 */
export function escapeMermaidLabel(text: string): string {
  return normalizeLineBreaks(text)
    .split('\n')
    .map((line) => [...line].map((ch) => (MERMAID_SAFE.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join(''))
    .join('<br>');
}

/** CRLF and CR as LF; other control characters as a space (a diagram has no use for them). */
export function normalizeLineBreaks(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ');
}

const label = (lines: readonly string[]) => `"${lines.map(escapeMermaidLabel).join('<br>')}"`;

/**
 * The topology as a Mermaid flowchart (left to right): callers → routes inside their gateway →
 * backends, edges labelled with the required scopes and the upstream credential with its secret
 * source. Public callers and routes are drawn red, plain-HTTP arrows dashed.
 */
export function renderMermaid(topology: AccessTopologyModel): string {
  return mermaidOf(buildTopologyGraph(gatewayRoutesOf(topology)));
}

/** Renders an already built {@link TopologyGraph}. */
export function mermaidOf(graph: TopologyGraph): string {
  const out = ['flowchart LR'];
  const node = (n: GraphNode, open: string, close: string) => `${n.id}${open}${label(n.label)}${close}`;
  for (const c of graph.callers) out.push(`  ${node(c, '([', '])')}`);
  for (const g of graph.gateways) {
    out.push(`  subgraph ${g.id}[${label(g.label)}]`, '    direction TB');
    for (const r of g.routes) out.push(`    ${node(r, '[', ']')}`);
    out.push('  end');
  }
  for (const b of graph.backends) out.push(`  ${node(b, '[(', ')]')}`);
  for (const e of graph.edges) out.push(`  ${e.from} ${e.plaintext ? '-.->' : '-->'}|${label(e.label)}| ${e.to}`);
  const publicIds = [...graph.callers, ...graph.gateways.flatMap((g) => g.routes)].filter((n) => n.public).map((n) => n.id);
  if (publicIds.length) out.push('  classDef public fill:#fde2e2,stroke:#c62828,color:#7f0000', `  class ${publicIds.join(',')} public`);
  return `${out.join('\n')}\n`;
}
