import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverEngines, parseEngineVersion, type CommandRunner } from '../../conformance/engines/engine-discovery';
import { EngineName } from '../../conformance/engines/engine-names';

const dir = mkdtempSync(join(tmpdir(), 'gw-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noDocker: CommandRunner = async (file, args, timeoutMs) => {
  if (file === 'docker') return { ok: false, output: 'Cannot connect to the Docker daemon' };
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => execFile(file, [...args], { timeout: timeoutMs }, (err, out, errOut) => resolve({ ok: !err, output: `${out}${errOut}` })));
};

describe('engine discovery', () => {
  it('reads the versions the three engines print', () => {
    expect(parseEngineVersion(EngineName.OATHKEEPER, 'Version:    v26.2.0\nGit Hash:   c84d')).toBe('v26.2.0');
    expect(parseEngineVersion(EngineName.TRAEFIK, 'Version:      3.7.9\nCodename:     langres')).toBe('v3.7.9');
    expect(parseEngineVersion(EngineName.OAUTH2_PROXY, 'oauth2-proxy v7.15.3 (built with go1.26.8)')).toBe('v7.15.3');
    expect(parseEngineVersion(EngineName.TRAEFIK, 'nonsense')).toBeUndefined();
  });

  it('finds executables in GATEWRIGHT_ENGINES and reports each absent engine as skipped, by name and why', async () => {
    const script = join(dir, 'oathkeeper');
    writeFileSync(script, '#!/bin/sh\necho "Version:    v26.1.0"\n');
    chmodSync(script, 0o755);
    writeFileSync(join(dir, 'traefik'), 'not executable');
    const found = await discoverEngines({ GATEWRIGHT_ENGINES: dir }, noDocker);
    expect(found[0]).toEqual({ engine: 'oathkeeper', available: true, launcher: { kind: 'binary', path: script }, version: 'v26.1.0', versionWarning: 'validated with v26.2.0, found v26.1.0' });
    expect(found[1]).toEqual({ engine: 'traefik', available: false, reason: `no executable traefik in GATEWRIGHT_ENGINES (${dir}) and no Docker engine` });
    expect(found[2]).toMatchObject({ engine: 'oauth2-proxy', available: false });
  });

  it('without binaries, falls back to the official images when a Docker engine answers', async () => {
    const docker: CommandRunner = async (file) => ({ ok: file === 'docker', output: '28.2.2' });
    const found = await discoverEngines({}, docker);
    expect(found.map((f) => (f.available ? f.launcher : undefined))).toEqual([
      { kind: 'docker', image: 'oryd/oathkeeper:v26.2.0' },
      { kind: 'docker', image: 'traefik:v3.7.9' },
      { kind: 'docker', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.3' },
    ]);
  });

  it('with neither, every engine is skipped', async () => {
    const found = await discoverEngines({}, noDocker);
    expect(found.every((f) => !f.available && f.reason === 'GATEWRIGHT_ENGINES is not set and no Docker engine answers')).toBe(true);
  });
});
