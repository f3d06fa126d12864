import type { AccessTopologyModel } from '../../model';
import { normalizeLineBreaks } from './mermaid';
import { buildTopologyGraph, gatewayRoutesOf, type GraphNode, type TopologyGraph } from './topology-graph';

/**
 * One text as the inside of a quoted Graphviz DOT string (`"…"`): `\` and `"` escaped, line
 * breaks as `\n` (a centred line in a label), other control characters as spaces. Escaping the
 * backslash also keeps a user's `\N`, `\G` or `\l` from being read as DOT's label escapes, and
 * `&` becomes `&amp;` because Graphviz decodes HTML entities even in plain labels (a path
 * `/a&amp;b` would otherwise be drawn as `/a&b`).
 * @see https://graphviz.org/doc/info/lang.html (quoted strings) and https://graphviz.org/docs/attr-types/escString/
 */
export function escapeDotString(text: string): string {
  return normalizeLineBreaks(text)
    .replace(/&/g, '&amp;')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

const label = (lines: readonly string[]) => `"${lines.map(escapeDotString).join('\\n')}"`;

/**
 * The topology as a Graphviz digraph (left to right), the same picture as {@link renderMermaid}:
 * callers → routes in one cluster per gateway → backends. `dot -Tsvg` renders it.
 */
export function renderDot(topology: AccessTopologyModel): string {
  return dotOf(buildTopologyGraph(gatewayRoutesOf(topology)));
}

/** Renders an already built {@link TopologyGraph}. */
export function dotOf(graph: TopologyGraph): string {
  const out = ['digraph gatewright {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const attrs = (n: GraphNode, shape: string) => `[label=${label(n.label)}, shape=${shape}${n.public ? ', color="#c62828", fontcolor="#7f0000"' : ''}]`;
  for (const c of graph.callers) out.push(`  ${c.id} ${attrs(c, 'ellipse')};`);
  for (const g of graph.gateways) {
    out.push(`  subgraph cluster_${g.id} {`, `    label=${label(g.label)};`);
    for (const r of g.routes) out.push(`    ${r.id} ${attrs(r, 'box')};`);
    out.push('  }');
  }
  for (const b of graph.backends) out.push(`  ${b.id} ${attrs(b, 'cylinder')};`);
  for (const e of graph.edges) out.push(`  ${e.from} -> ${e.to} [label=${label(e.label)}${e.plaintext ? ', style=dashed, color="#c62828"' : ''}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
