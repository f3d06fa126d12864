/**
 * `npm run readme`: writes the generated parts of README.md — today the "Engine capabilities"
 * table, from the capability table in src/plan/capabilities — between their markers. A test
 * fails when README.md and the code disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilityMatrixMarkdown } from '../src/plan/capabilities';

export const CAPABILITIES_START = '<!-- capabilities:start -->\n';
export const CAPABILITIES_END = '<!-- capabilities:end -->';

/** README.md with the generated table put between the markers. */
export function withGeneratedSections(readme: string): string {
  const a = readme.indexOf(CAPABILITIES_START);
  const b = readme.indexOf(CAPABILITIES_END);
  if (a < 0 || b < a) throw new Error(`README.md: markers ${CAPABILITIES_START.trim()} … ${CAPABILITIES_END} not found`);
  return `${readme.slice(0, a + CAPABILITIES_START.length)}${capabilityMatrixMarkdown()}\n${readme.slice(b)}`;
}

if (require.main === module) {
  const file = join(__dirname, '..', 'README.md');
  const before = readFileSync(file, 'utf8');
  const after = withGeneratedSections(before);
  writeFileSync(file, after);
  process.stdout.write(before === after ? 'README.md is up to date\n' : 'README.md: engine capabilities updated\n');
}
