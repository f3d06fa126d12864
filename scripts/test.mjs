#!/usr/bin/env node
/**
 * `npm test`: the type check of the whole project (tsc) and the test suite (vitest) side by
 * side. tsc is single-threaded and needs ~20 s of CPU on a cold cache; run before vitest it was
 * that much wall time on top, run beside it the two cores share the work. The run fails when
 * either fails. Arguments go to vitest (`npm test -- test/cli`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const node = process.execPath;

function run(label, args) {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(node, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`${label}: ${e.message}\n`);
      resolve({ label, code: 1, seconds: 0 });
    });
    child.on('exit', (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0), seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

/** A package's bin script (vitest exports no subpath for it). */
const binOf = (pkg, name) => join(dirname(require.resolve(`${pkg}/package.json`)), require(`${pkg}/package.json`).bin[name]);
const typecheck = run('typecheck', [
  binOf('typescript', 'tsc'),
  '--noEmit',
  '-p',
  'tsconfig.json',
  // Incremental: an unchanged project re-checks in a fraction of the time.
  '--incremental',
  '--tsBuildInfoFile',
  'node_modules/.cache/gatewright/typecheck.tsbuildinfo',
]);
const tests = run('vitest', [binOf('vitest', 'vitest'), 'run', ...process.argv.slice(2)]);
const results = await Promise.all([typecheck, tests]);
for (const r of results) process.stdout.write(`${r.label}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
