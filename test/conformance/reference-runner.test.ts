import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeApp } from '../../conformance/app/synthesized-app';
import { CaseKind } from '../../conformance/cases/case-kind';
import { LocalCertificateAuthority } from '../../conformance/network/local-ca';
import type { EngineRun } from '../../conformance/runners/engine-run';
import { runReference } from '../../conformance/runners/reference-runner';
import { SUBJECTS } from '../../conformance/subjects';

let ca: LocalCertificateAuthority;
let run: EngineRun;

beforeAll(async () => {
  ca = LocalCertificateAuthority.create();
  const subject = SUBJECTS.find((s) => s.example === 'oic-on-oss-traefik')!;
  if (!('build' in subject.reference)) throw new Error('no reference');
  run = await runReference(synthesizeApp(subject.reference.build), ca);
}, 30_000);
afterAll(() => ca?.dispose());

describe('the reference column, end to end on 127.0.0.1 (no engine needed)', () => {
  it('runs the synthesized proxy config with its mounted Secrets and answers the allowed OIC call with the client-credentials token at the long path', () => {
    expect(run.status).toBe('ran');
    if (run.status !== 'ran') return;
    const allowed = run.results.find((r) => r.case.kind === CaseKind.ALLOWED)!;
    expect(allowed.verdict).toMatchObject({ verdict: 'served', asModelExpects: true });
    const [request] = allowed.observation.backendRequests;
    expect(request.origin).toBe('https://myinst.integration.ocp.oraclecloud.com:443');
    expect(request.url).toBe('/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0/conformance-probe');
    expect(request.headers.find(([k]) => k.toLowerCase() === 'authorization')?.[1]).toMatch(/^Bearer ey/);
  });

  it('refuses the broken tokens with 401 and reaches no backend', () => {
    if (run.status !== 'ran') return;
    for (const kind of [CaseKind.NO_CREDENTIAL, CaseKind.BAD_SIGNATURE, CaseKind.WRONG_ISSUER, CaseKind.WRONG_AUDIENCE, CaseKind.EXPIRED, CaseKind.WITHOUT_EXP]) {
      const r = run.results.find((x) => x.case.kind === kind)!;
      expect(r.verdict.verdict, kind).toBe('refused 401');
      expect(r.observation.backendRequests).toEqual([]);
    }
  });
});
