import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Loads the entry points one after another in one fresh Node process and lists, after each,
 * which @pulumi packages are loaded so far. One process instead of one per entry point: the
 * TypeScript loader's start-up is most of the cost.
 */
function pulumiPackagesAfterEach(modulePaths: readonly string[]): string[][] {
  const script = `
    const loaded = () => [...new Set(Object.keys(require.cache).filter((k) => k.includes('/node_modules/@pulumi/')).map((k) => k.split('/node_modules/')[1].split('/').slice(0, 2).join('/')))].sort();
    const out = [];
    for (const m of ${JSON.stringify(modulePaths)}) { require(m); out.push(loaded()); }
    console.log(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

describe('entry points', () => {
  let core: string[];
  let pulumi: string[];
  let aws: string[];
  beforeAll(() => {
    [core, pulumi, aws] = pulumiPackagesAfterEach(['./src', './src/pulumi', './src/pulumi/aws']);
  }, 120_000);

  it('keeps Pulumi out of the core entry point', () => {
    expect(core).toEqual([]);
  });

  it('gatewright/pulumi loads the Pulumi and Kubernetes SDKs, but not the AWS SDK', () => {
    expect(pulumi).toEqual(['@pulumi/kubernetes', '@pulumi/pulumi']);
  });

  it('gatewright/pulumi/aws adds the AWS SDK', () => {
    expect(aws).toEqual(['@pulumi/aws', '@pulumi/kubernetes', '@pulumi/pulumi']);
  });
});
