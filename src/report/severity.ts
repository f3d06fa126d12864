/** How much a finding or change matters, lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high'] as const;
/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** Position of `s` in {@link SEVERITIES}: higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function reaches(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** True when `value` names a severity (for parsing `--fail-on`). */
export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Counts per severity, worst first, for summaries. */
export function countBySeverity(items: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const i of items) counts[i.severity] += 1;
  return counts;
}
