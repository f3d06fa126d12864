/**
 * Kubernetes label selectors in their query-string form (`labelSelector=`), as the API server
 * evaluates them: comma-separated requirements that must all hold — `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (does not exist).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
export type LabelRequirement =
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'doesNotExist'; readonly key: string };

/** Thrown for a selector the API server would answer 400 to. */
export class LabelSelectorError extends Error {}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (depth !== 0) throw new LabelSelectorError(`unbalanced parentheses in "${selector}"`);
  if (current.trim() || parts.length) parts.push(current);
  return parts.map((p) => parseRequirement(p.trim(), selector));
}

function parseRequirement(text: string, selector: string): LabelRequirement {
  let m = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map((v) => v.trim()).filter(Boolean) };
  m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(text);
  if (m) return { op: m[2] === '!=' ? 'notin' : 'in', key: m[1], values: [m[3]] };
  m = /^!\s*([A-Za-z0-9._/-]+)$/.exec(text);
  if (m) return { op: 'doesNotExist', key: m[1] };
  m = /^([A-Za-z0-9._/-]+)$/.exec(text);
  if (m) return { op: 'exists', key: m[1] };
  throw new LabelSelectorError(`cannot parse requirement "${text}" of selector "${selector}"`);
}

/** Whether `labels` satisfy every requirement (`notin` and `!=` also hold when the label is absent). */
export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>> = {}): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}
