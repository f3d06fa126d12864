import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoUpstream } from './support/echo-upstream';
import { TestIssuer } from './support/issuer';
import { TestTokenEndpoint } from './support/token-endpoint';
import { route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * No Docker engine here: the Dockerfile is checked statically, and its HEALTHCHECK command is
 * run as the image would run it (paths under /app mapped back to the files COPY puts there).
 */

const root = process.cwd();
const dockerfile = readFileSync(join(root, 'proxy/Dockerfile'), 'utf8');
/** Instructions with continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const finalStage = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
const execForm = (line: string): string[] => JSON.parse(line.slice(line.indexOf('[')));

/** Where a path inside the final image comes from in the repository, per its COPY lines. */
function repoPathOf(imagePath: string): string | undefined {
  const workdir = finalStage.find((l) => l.startsWith('WORKDIR '))!.slice(8).trim();
  for (const line of finalStage.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
    const [src, dest] = line.slice(5).trim().split(/\s+/);
    if (posix.resolve(workdir, dest) === imagePath) return join(root, src);
  }
  return undefined;
}

describe('proxy/Dockerfile', () => {
  it('builds in stages and runs distroless, as UID/GID 65532, without dev dependencies', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(finalStage[0]).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12:nonroot$/);
    expect(finalStage).toContain('USER 65532:65532');
    // No shell in the final image: nothing may need one.
    expect(finalStage.filter((l) => l.startsWith('RUN '))).toEqual([]);
    for (const l of finalStage.filter((x) => /^(CMD|ENTRYPOINT|HEALTHCHECK) /.test(x))) expect(l, l).toMatch(/\[.*\]$/);
    expect(instructions.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
  });

  it('starts the compiled proxy main, which reads $GATEWRIGHT_CONFIG, and passes arguments through', () => {
    const entrypoint = execForm(finalStage.find((l) => l.startsWith('ENTRYPOINT '))!);
    expect(entrypoint[0]).toBe('/nodejs/bin/node');
    // proxy/tsconfig.json compiles src/ into lib/proxy-image/, copied to /app/lib.
    const tsconfig = JSON.parse(readFileSync(join(root, 'proxy/tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: '../src', outDir: '../lib/proxy-image' });
    expect(finalStage).toContain('COPY --from=build /src/lib/proxy-image ./lib');
    expect(entrypoint[1]).toBe('/app/lib/proxy/main.js');
    expect(existsSync(join(root, 'src/proxy/main.ts'))).toBe(true);
    // The path the ReferenceProxy construct mounts its ConfigMap at.
    expect(finalStage.some((l) => /^ENV .*\bGATEWRIGHT_CONFIG=\/etc\/gatewright\/config\.json\b/.test(l))).toBe(true);
    const cmd = finalStage.find((l) => l.startsWith('CMD '));
    expect(cmd === undefined || execForm(cmd).length === 0).toBe(true);
  });

  describe('HEALTHCHECK', () => {
    let issuer: TestIssuer;
    let token: TestTokenEndpoint;
    let echo: EchoUpstream;
    let gw: TestProxy;
    const dir = mkdtempSync(join(tmpdir(), 'gw-health-'));

    beforeAll(async () => {
      [issuer, token, echo] = await Promise.all([TestIssuer.start(), TestTokenEndpoint.start(), EchoUpstream.start()]);
      gw = await startTestProxy({ issuer, token, echo }, [route({ name: 'x', clientAuth: { kind: 'none' } })]);
    });

    afterAll(async () => {
      await gw?.stop();
      await Promise.all([issuer?.close(), token?.close(), echo?.close()]);
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs the HEALTHCHECK command of the Dockerfile with `config` as $GATEWRIGHT_CONFIG; its exit code. */
    const runHealthcheck = (configFile: string): Promise<number> => {
      const line = finalStage.find((l) => l.startsWith('HEALTHCHECK '))!;
      const command = execForm(line.slice(line.indexOf(' CMD ') + 5));
      const [node, ...args] = command;
      expect(node).toBe('/nodejs/bin/node');
      const mapped = args.map((a) => (a.startsWith('/app/') ? (repoPathOf(a) ?? a) : a));
      return new Promise((resolve) => {
        execFile(process.execPath, mapped, { env: { PATH: process.env.PATH, GATEWRIGHT_CONFIG: configFile }, timeout: 5000 }, (err) =>
          resolve(err ? (typeof err.code === 'number' ? err.code : 99) : 0),
        );
      });
    };

    it('probes the admin port the config names (JSON and YAML), and fails when nothing answers there', async () => {
      const adminPort = Number(new URL(gw.proxy.adminUrl).port);
      const json = join(dir, 'config.json');
      writeFileSync(json, JSON.stringify({ version: 1, listen: { host: '127.0.0.1', port: 0, adminPort, forwardAuthPort: 0 }, routes: [] }));
      expect(await runHealthcheck(json)).toBe(0);
      const yaml = join(dir, 'config.yaml');
      writeFileSync(yaml, `version: 1\nlisten:\n  host: 0.0.0.0\n  adminPort: ${adminPort}\nroutes: []\n`);
      expect(await runHealthcheck(yaml)).toBe(0);

      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const deadPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      writeFileSync(json, JSON.stringify({ version: 1, listen: { host: '127.0.0.1', adminPort: deadPort }, routes: [] }));
      expect(await runHealthcheck(json)).toBe(1);
    });
  });
});
