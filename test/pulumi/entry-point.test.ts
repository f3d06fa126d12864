import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Loads a module in a fresh Node process and lists which @pulumi packages it pulled in. */
function pulumiModulesLoadedBy(modulePath: string): string[] {
  const script = `require(${JSON.stringify(modulePath)}); const m = Object.keys(require.cache).filter((k) => k.includes('/node_modules/@pulumi/')).map((k) => k.split('/node_modules/')[1].split('/').slice(0, 2).join('/')); console.log(JSON.stringify([...new Set(m)]));`;
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

describe('entry points', () => {
  it('keeps Pulumi out of the core entry point', () => {
    expect(pulumiModulesLoadedBy('./src')).toEqual([]);
  });

  it('exposes the Pulumi components from src/pulumi', () => {
    expect(pulumiModulesLoadedBy('./src/pulumi')).toEqual(expect.arrayContaining(['@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/aws']));
  });
});
