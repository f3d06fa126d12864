#!/usr/bin/env node
import { GatewrightError } from '../model';
import { loadProxyConfig } from './config/load-proxy-config';
import { startProxy } from './proxy-server';

/**
 * `gatewright-proxy --config <file>` (or `GATEWRIGHT_CONFIG=<file>`): validates the config,
 * refuses to start with a one-line reason naming the field, serves until SIGTERM/SIGINT, then
 * drains in-flight requests and exits. SIGTERM (Kubernetes) first keeps serving, not ready, for
 * `shutdownDelaySeconds`; SIGINT (Ctrl-C) stops accepting at once.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const i = argv.indexOf('--config');
  const file = i !== -1 ? argv[i + 1] : env.GATEWRIGHT_CONFIG;
  if (!file) {
    process.stderr.write('gatewright-proxy: refusing to start: no config given. Fix: pass --config <file> or set GATEWRIGHT_CONFIG\n');
    return 2;
  }
  let config;
  try {
    config = loadProxyConfig(file);
  } catch (err) {
    if (err instanceof GatewrightError) {
      process.stderr.write(`gatewright-proxy: refusing to start: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const proxy = await startProxy(config, { processMetrics: true });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void (signal === 'SIGTERM' ? proxy.terminate() : proxy.shutdown()).then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`gatewright-proxy: failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
