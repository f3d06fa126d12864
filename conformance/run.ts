/**
 * `npm run conformance`: every example through every engine present on this machine, with
 * the same generated requests, compared with the reference proxy. Exits 1 on any undeclared
 * difference or broken run; engines that are absent are listed as SKIPPED, never as passed.
 *
 *   GATEWRIGHT_ENGINES=/path/to/binaries npm run conformance [-- --only <example>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeApp, SynthRefused, type SynthesizedApp } from './app/synthesized-app';
import { DECLARED_DIFFERENCES } from './declared-differences';
import { discoverEngines, type DiscoveredEngine } from './engines/engine-discovery';
import { EngineName } from './engines/engine-names';
import { LocalCertificateAuthority } from './network/local-ca';
import { compareRun, unusedDeclarations, type Cell } from './report/compare-runs';
import { consoleSummary, differenceLines, markdownReport, runLabel, type SubjectOutcome } from './report/result-table';
import type { EngineRun } from './runners/engine-run';
import { runOathkeeper } from './runners/oathkeeper-runner';
import { runOAuth2Proxy } from './runners/oauth2-proxy-runner';
import { runReference } from './runners/reference-runner';
import { runTraefik } from './runners/traefik-runner';
import { FIDELITY_PROBES } from './fidelity-probes';
import { SUBJECTS, type Rendering } from './subjects';

/** The whole run is bounded: a hung engine fails the suite instead of CI's patience. */
const RUN_TIMEOUT_MS = 25 * 60_000;

async function main(): Promise<number> {
  const only = argValue('--only');
  const engines = await discoverEngines();
  const log = (line = '') => process.stdout.write(`${line}\n`);
  log('== conformance: engines');
  for (const e of engines) {
    log(e.available ? `  ${e.engine.padEnd(13)} ${e.version} (${e.launcher.kind === 'binary' ? e.launcher.path : `docker ${e.launcher.image}`})${e.versionWarning ? ` — ${e.versionWarning}` : ''}` : `  ${e.engine.padEnd(13)} SKIPPED: ${e.reason}`);
  }
  log(`  ${EngineName.TRAEFIK_HUB.padEnd(13)} schema-only (closed source: checked against its CRD schemas and docs, never run)`);
  log(`  ${EngineName.REFERENCE_PROXY.padEnd(13)} in-process (src/proxy)`);

  const ca = LocalCertificateAuthority.create();
  const outcomes: SubjectOutcome[] = [];
  try {
    for (const subject of [...SUBJECTS, ...FIDELITY_PROBES].filter((s) => !only || s.example === only)) {
      log(`\n== ${subject.example}`);
      let referenceRun: EngineRun | undefined;
      if ('build' in subject.reference) {
        referenceRun = await runSafely(EngineName.REFERENCE_PROXY, subject.reference.build, (app) => runReference(app, ca));
        log(`  reference-proxy: ${runLabel(referenceRun)}`);
      }
      const renderings: SubjectOutcome['renderings'][number][] = [];
      for (const rendering of subject.renderings) {
        const run = await runRendering(rendering, engines, ca);
        log(`  ${rendering.engine}: ${runLabel(run)}`);
        renderings.push({ engine: rendering.engine, ...(rendering.variant ? { variant: rendering.variant } : {}), run });
      }
      const cells: Cell[] = [
        ...(referenceRun ? compareRun(subject.example, referenceRun, undefined, DECLARED_DIFFERENCES) : []),
        ...renderings.flatMap((r) => compareRun(subject.example, r.run, referenceRun, DECLARED_DIFFERENCES)),
      ];
      outcomes.push({
        example: subject.example,
        reference: 'build' in subject.reference ? { variant: subject.reference.variant, run: referenceRun! } : { unavailable: subject.reference.unavailable },
        renderings,
        cells,
      });
    }
  } finally {
    ca.dispose();
  }

  const cells = outcomes.flatMap((o) => o.cells);
  const ran = new Set(outcomes.flatMap((o) => [...o.renderings.map((r) => r.run), ...('run' in o.reference ? [o.reference.run] : [])]).filter((r) => r.status === 'ran').map((r) => r.engine));
  const failed = outcomes.flatMap((o) => [...('run' in o.reference ? [{ engine: EngineName.REFERENCE_PROXY, run: o.reference.run }] : []), ...o.renderings].filter((r) => r.run.status === 'failed').map((r) => `${o.example} · ${r.engine}: ${runLabel(r.run)}`));
  const differences = differenceLines(outcomes);
  const stale = only ? [] : unusedDeclarations(DECLARED_DIFFERENCES, cells, ran);

  log('\n== verdicts (example × engine; ✓ as the model and the reference proxy, ≈ declared difference, ✗ undeclared difference)');
  log(consoleSummary(outcomes));
  log(`\nengines that ran: ${[...ran].join(', ') || 'none'}; skipped: ${engines.filter((e) => !e.available).map((e) => e.engine).join(', ') || 'none'}`);
  if (failed.length) log(`\n== runs that broke (${failed.length})\n${failed.join('\n')}`);
  if (differences.length) log(`\n== undeclared differences (${differences.length})\n${differences.join('\n')}`);
  if (stale.length) log(`\n== declared differences no run observed (${stale.length}; remove them if the engine now conforms)\n${stale.map((d) => `  ${d.engine} · ${d.kind}${d.example ? ` · ${d.example}` : ''}: ${d.verdict}`).join('\n')}`);

  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'conformance.md');
  const header = [
    `Engines: ${engines.map((e) => (e.available ? `${e.engine} ${e.version}` : `${e.engine} SKIPPED (${e.reason})`)).join('; ')}; traefik-hub schema-only.`,
    `Undeclared differences: ${differences.length}; declared: ${cells.filter((c) => c.status === 'declared').length}; broken runs: ${failed.length}.`,
  ];
  writeFileSync(file, markdownReport(outcomes, header));
  log(`\nMarkdown: ${file}`);
  const ok = differences.length === 0 && failed.length === 0;
  log(ok ? '\nconformance: PASS' : '\nconformance: FAIL');
  return ok ? 0 : 1;
}

/** Synthesizes `build` and runs `runner`, turning a refused synth or a crash into a run result. */
async function runSafely(engine: EngineName, build: (app: import('cdk8s').App) => void, runner: (app: SynthesizedApp) => Promise<EngineRun>): Promise<EngineRun> {
  let app: SynthesizedApp;
  try {
    app = synthesizeApp(build);
  } catch (err) {
    if (err instanceof SynthRefused) return { status: 'refused-at-synth', engine, code: err.code, message: err.message };
    throw err;
  }
  try {
    return await runner(app);
  } catch (err) {
    return { status: 'failed', engine, error: (err as Error).stack ?? String(err), notes: [] };
  }
}

async function runRendering(rendering: Rendering, engines: readonly DiscoveredEngine[], ca: LocalCertificateAuthority): Promise<EngineRun> {
  if (rendering.engine === EngineName.TRAEFIK_HUB) {
    return { status: 'schema-only', engine: rendering.engine, reason: 'closed source; the synthesized objects are validated against its CRD schemas in .ci/run' };
  }
  const found = engines.find((e) => e.engine === rendering.engine);
  const skipped = (reason: string): Promise<EngineRun> => Promise.resolve({ status: 'skipped', engine: rendering.engine, reason });
  // Synth first: an engine that cannot express the declarations is "n/a" whether it is installed or not.
  return runSafely(rendering.engine, rendering.build, (app) => {
    if (!found || !found.available) return skipped(found && !found.available ? found.reason : 'unknown engine');
    switch (rendering.engine) {
      case EngineName.OATHKEEPER:
        return runOathkeeper(app, found, ca);
      case EngineName.TRAEFIK:
        return runTraefik(app, found, ca);
      case EngineName.OAUTH2_PROXY: {
        const traefik = engines.find((e) => e.engine === EngineName.TRAEFIK);
        if (!traefik?.available) return skipped('OAuth2 Proxy runs behind Traefik forwardAuth, and Traefik is not available');
        return runOAuth2Proxy(app, found, traefik, ca);
      }
      default:
        return Promise.resolve({ status: 'failed', engine: rendering.engine, error: `no runner for ${rendering.engine}`, notes: [] });
    }
  });
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const timer = setTimeout(() => {
  process.stderr.write(`conformance: no result within ${RUN_TIMEOUT_MS / 60_000} minutes; giving up\n`);
  process.exit(2);
}, RUN_TIMEOUT_MS);
timer.unref();
main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`conformance: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
