import { ErrorCode, GatewrightError } from '../../model';

/**
 * Checks for what TypeScript catches and JavaScript (or JSON-driven code, or a cast) does not:
 * an unknown prop silently ignored (`scope:` for `scopes:`) or a string where a list belongs
 * (`scopes: 'admin'` spread into the scopes `a,d,m,i,n`) would weaken a gateway without a word.
 */

/** Edit distance, to suggest the prop a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}

/** Throws for the first prop of `props` that is not in `known`, suggesting the nearest known one. */
export function rejectUnknownProps(props: object | undefined, known: readonly string[], path: string, what: string, fieldPrefix = ''): void {
  if (props === undefined || props === null) return;
  if (typeof props !== 'object' || Array.isArray(props)) {
    throw new GatewrightError({ code: ErrorCode.INVALID_PROPS, path, ...(fieldPrefix ? { field: fieldPrefix } : {}), problem: `must be an object of ${what} props`, fix: `pass { ${known.slice(0, 3).join(', ')}, ... }` });
  }
  for (const key of Object.keys(props)) {
    if (known.includes(key)) continue;
    const nearest = [...known].sort((a, b) => distance(key, a) - distance(key, b))[0];
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path,
      field: fieldPrefix ? `${fieldPrefix}.${key}` : key,
      problem: `is not a prop of ${what}; it would be ignored`,
      fix: nearest && distance(key, nearest) <= 3 ? `did you mean \`${nearest}\`?` : `use one of ${known.map((k) => `\`${k}\``).join(', ')}`,
    });
  }
}

/**
 * A list prop as an array: `undefined` is the empty list; anything else that is not an array
 * (a lone string, most often) is refused rather than spread into its characters.
 */
export function listProp<T>(value: readonly T[] | undefined, path: string, field: string, example: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path,
      field,
      problem: `must be a list, not a ${value === null ? 'null' : typeof value}`,
      fix: `wrap it in brackets, e.g. ${field}: ${example}`,
    });
  }
  return [...value];
}

/** The keys of a props interface, checked by the compiler to be complete: `keysOf<P>()([...])`. */
export function keysOf<P>() {
  return <const K extends readonly (keyof P & string)[]>(keys: K & ([Exclude<keyof P & string, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof P & string, K[number]> })) =>
    keys as readonly string[];
}
