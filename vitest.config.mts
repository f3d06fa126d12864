import { defineConfig } from 'vitest/config';

/**
 * Test files that start servers, install Pulumi's global mocks or spawn installs run each in a
 * fresh module graph (`isolate: true`). Everything else — constructs, renderers, report, CLI,
 * examples — shares one graph per worker (`isolate: false`): those tests only build cdk8s apps
 * and read files, and importing cdk8s and the sources once per worker instead of once per file
 * saves more than half of their CPU time. A new test that changes global state (process.env,
 * fake timers, a module singleton) and does not restore it belongs in ISOLATED.
 */
const ISOLATED = ['test/proxy/**/*.test.ts', 'test/pulumi/**/*.test.ts', 'test/package/packed-install.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Network tests start real servers on 127.0.0.1; keep the 2-core CI machine calm.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
    ],
  },
});
