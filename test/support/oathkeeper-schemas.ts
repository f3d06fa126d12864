import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaChecker } from './json-schema-check';

/** `../shared/crds` beside the checkout; absent on machines without the shared folder. */
export const SHARED_CRDS = join(__dirname, '..', '..', '..', 'shared', 'crds');
export const HAS_OATHKEEPER_SCHEMAS = existsSync(join(SHARED_CRDS, 'oathkeeper-config.schema.json'));

const load = (file: string) => JSON.parse(readFileSync(join(SHARED_CRDS, file), 'utf8'));

/** Validators for `oathkeeper.yaml` and a rules file, from Oathkeeper's own schemas. */
export function oathkeeperSchemas(): { config(value: unknown): string[]; rules(value: unknown): string[] } {
  const config = load('oathkeeper-config.schema.json');
  const rule = load('oathkeeper-rule.schema.json');
  const checker = new SchemaChecker([load('oathkeeper-config.logging.schema.json'), load('oathkeeper-config.tracing.schema.json'), config, rule]);
  return {
    config: (value) => checker.check(config, value),
    rules: (value) => checker.check({ type: 'array', items: rule, definitions: rule.definitions }, value),
  };
}
