/** Summaries over the bench's interleaved rounds. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { min: NaN, median: NaN, max: NaN };
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1] };
}

/** `median (min–max)` with a fixed number of decimals and a unit. */
export function formatSpread(s: Spread, decimals: number, unit = ''): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(decimals) : '—');
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`;
}
