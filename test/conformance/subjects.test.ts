import { describe, expect, it } from 'vitest';
import { examples } from '../../examples';
import { synthesizeApp, SynthRefused } from '../../conformance/app/synthesized-app';
import { EngineName } from '../../conformance/engines/engine-names';
import { FIDELITY_PROBES } from '../../conformance/fidelity-probes';
import { SUBJECTS } from '../../conformance/subjects';

describe('conformance subjects', () => {
  it('cover every example of examples/index.ts, once', () => {
    expect(SUBJECTS.map((s) => s.example).sort()).toEqual(Object.keys(examples).sort());
  });

  it('give every example with bearer or API-key routes a reference built from the same declarations, whose config is found by its schema', () => {
    for (const s of SUBJECTS) {
      if (!('build' in s.reference)) continue;
      const app = synthesizeApp(s.reference.build);
      expect(app.proxyConfigs.length, s.example).toBe(1);
      const reference = app.proxyConfigs[0].config.routes.map((r) => r.name).sort();
      const rendered = s.renderings[0];
      const engineRoutes = synthesizeApp(rendered.build).gateways.flatMap((g) => g.routes.map((r) => r.name)).sort();
      expect(reference, `${s.example}: the reference serves the same routes`).toEqual(engineRoutes);
    }
  });

  it('run Oathkeeper only where it can express the declarations; elsewhere synth refuses, naming the engine gap', () => {
    const refused = (example: string) => {
      const r = SUBJECTS.find((s) => s.example === example)!.renderings.find((x) => x.engine === EngineName.OATHKEEPER)!;
      try {
        synthesizeApp(r.build);
        return undefined;
      } catch (err) {
        return err instanceof SynthRefused ? err.code : 'not a SynthRefused';
      }
    };
    expect(refused('oic-on-oke')).toBe('ERR_GW_UNSUPPORTED_BY_ENGINE');
    expect(refused('upstream-auth-patterns')).toBe('ERR_GW_UNSUPPORTED_BY_ENGINE');
    expect(refused('third-party-apis')).toBeUndefined();
  });

  it('name their probes probe:<name>, with renderings that synthesize', () => {
    for (const p of FIDELITY_PROBES) {
      expect(p.example).toMatch(/^probe:[a-z-]+$/);
      for (const r of p.renderings) expect(() => synthesizeApp(r.build), `${p.example} on ${r.engine}`).not.toThrow();
    }
  });
});
