import { EngineName } from '../engines/engine-names';
import type { EngineRun } from '../runners/engine-run';
import type { Cell } from './compare-runs';

/** Everything the suite established about one example. */
export interface SubjectOutcome {
  readonly example: string;
  readonly reference: { readonly variant: string; readonly run: EngineRun } | { readonly unavailable: string };
  readonly renderings: readonly { readonly engine: EngineName; readonly variant?: string; readonly run: EngineRun }[];
  readonly cells: readonly Cell[];
}

const COLUMN_ORDER = [EngineName.REFERENCE_PROXY, EngineName.OATHKEEPER, EngineName.TRAEFIK, EngineName.OAUTH2_PROXY, EngineName.TRAEFIK_HUB];
const MARK = { pass: '✓', declared: '≈', differs: '✗' } as const;

/** One word for a run that produced no cells. */
export function runLabel(run: EngineRun): string {
  switch (run.status) {
    case 'ran':
      return `ran (${run.results.length} cases)`;
    case 'skipped':
      return `SKIPPED: ${run.reason}`;
    case 'refused-at-synth':
      return `n/a: refused at synth (${run.code})`;
    case 'schema-only':
      return `schema-only: ${run.reason}`;
    case 'failed':
      return `FAILED: ${run.error.split('\n')[0]}`;
  }
}

/** `✓12 ≈3 ✗1`, or the run's label when it ran no case. */
function summary(run: EngineRun | undefined, cells: readonly Cell[]): string {
  if (!run) return '—';
  if (run.status !== 'ran') return runLabel(run).split(':')[0];
  const n = (s: Cell['status']) => cells.filter((c) => c.status === s).length;
  return [`${MARK.pass}${n('pass')}`, n('declared') ? `${MARK.declared}${n('declared')}` : '', n('differs') ? `${MARK.differs}${n('differs')}` : ''].filter(Boolean).join(' ');
}

function runsOf(o: SubjectOutcome): Map<EngineName, EngineRun> {
  const runs = new Map<EngineName, EngineRun>();
  if ('run' in o.reference) runs.set(EngineName.REFERENCE_PROXY, o.reference.run);
  for (const r of o.renderings) runs.set(r.engine, r.run);
  return runs;
}

/** The example × engine summary, for the console. */
export function consoleSummary(outcomes: readonly SubjectOutcome[]): string {
  const rows = outcomes.map((o) => {
    const runs = runsOf(o);
    return [o.example, ...COLUMN_ORDER.map((e) => summary(runs.get(e), o.cells.filter((c) => c.engine === e)))];
  });
  const header = ['example', ...COLUMN_ORDER];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Every undeclared difference, one line each, with evidence. */
export function differenceLines(outcomes: readonly SubjectOutcome[]): string[] {
  return outcomes.flatMap((o) =>
    o.cells
      .filter((c) => c.status === 'differs')
      .map((c) => `${MARK.differs} ${c.example} · ${c.engine} · ${c.caseId}: ${c.verdict}${c.reference !== undefined && c.reference !== c.verdict ? ` (reference: ${c.reference})` : ''} — ${c.evidence}`),
  );
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The whole result as Markdown: summary, then per example a case × engine table and the evidence. */
export function markdownReport(outcomes: readonly SubjectOutcome[], header: readonly string[]): string {
  const out: string[] = ['# gatewright conformance results', '', ...header, ''];
  out.push('## Summary (example × engine)', '', `Marks: ${MARK.pass} as the model and the reference proxy, ${MARK.declared} declared difference, ${MARK.differs} undeclared difference.`, '');
  out.push(`| example | ${COLUMN_ORDER.join(' | ')} |`, `|---|${COLUMN_ORDER.map(() => '---').join('|')}|`);
  for (const o of outcomes) {
    const runs = runsOf(o);
    out.push(`| ${o.example} | ${COLUMN_ORDER.map((e) => escapeCell(summary(runs.get(e), o.cells.filter((c) => c.engine === e)))).join(' | ')} |`);
  }
  for (const o of outcomes) {
    const runs = runsOf(o);
    const engines = COLUMN_ORDER.filter((e) => runs.get(e)?.status === 'ran');
    out.push('', `## ${o.example}`, '');
    out.push(`- reference proxy: ${'run' in o.reference ? `${o.reference.variant} — ${runLabel(o.reference.run)}` : `not run: ${o.reference.unavailable}`}`);
    for (const r of o.renderings) out.push(`- ${r.engine}: ${r.variant ?? 'the example as written'} — ${escapeCell(runLabel(r.run))}`);
    for (const [engine, run] of runs) {
      if (run.status === 'ran' || run.status === 'failed') for (const n of run.notes) out.push(`  - ${engine} ${n.topic}: ${escapeCell(n.text)}`);
    }
    if (engines.length === 0) continue;
    out.push('', `| case | ${engines.join(' | ')} |`, `|---|${engines.map(() => '---').join('|')}|`);
    const ids = [...new Set(o.cells.map((c) => c.caseId))];
    for (const id of ids) {
      const cols = engines.map((e) => {
        const c = o.cells.find((x) => x.engine === e && x.caseId === id);
        return c ? `${MARK[c.status]} ${escapeCell(c.verdict)}` : '';
      });
      out.push(`| ${id} | ${cols.join(' | ')} |`);
    }
    // Browser journeys, readiness and image checks have one case each: their evidence is the point.
    const journeys = o.cells.filter((c) => c.status === 'pass' && /^(browser-|engine-ready|pinned-image)/.test(c.kind));
    if (journeys.length) {
      out.push('', '### Evidence', '');
      for (const c of journeys) out.push(`- ${MARK.pass} **${c.engine}** \`${c.caseId}\`: ${escapeCell(c.verdict)}. ${escapeCell(c.evidence)}`);
    }
    const notable = o.cells.filter((c) => c.status !== 'pass');
    if (notable.length) {
      out.push('', '### Differences', '');
      for (const c of notable) {
        out.push(`- ${MARK[c.status]} **${c.engine}** \`${c.caseId}\`: ${escapeCell(c.verdict)}${c.reference !== undefined ? ` (reference proxy: ${escapeCell(c.reference)})` : ''}. Evidence: ${escapeCell(c.evidence)}${c.declaration ? `. Declared: ${escapeCell(c.declaration.reason)}` : ''}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}
