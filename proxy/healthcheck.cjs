'use strict';
// Docker HEALTHCHECK for the distroless image (no shell, no curl): GET /healthz on the admin
// port the proxy's own config names (`listen.adminPort`, default 9090), so a config that moves
// the port does not leave the container "unhealthy". The config is the one the proxy was
// started with: `--config <file>` on PID 1's command line, else $GATEWRIGHT_CONFIG.
// Exit 0 when healthy, 1 otherwise; never prints a config value.
const { readFileSync } = require('node:fs');
const http = require('node:http');

function configFile() {
  try {
    const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    const i = args.indexOf('--config');
    if (i !== -1 && args[i + 1]) return args[i + 1];
  } catch {
    // No /proc (not Linux): the environment decides.
  }
  return process.env.GATEWRIGHT_CONFIG;
}

function adminAddress() {
  let listen = {};
  const file = configFile();
  if (file) {
    try {
      const text = readFileSync(file, 'utf8');
      const doc = /\.ya?ml$/i.test(file) ? require('yaml').parse(text) : JSON.parse(text);
      listen = (doc && doc.listen) || {};
    } catch {
      // An unreadable config is the proxy's to report; probe the defaults.
    }
  }
  const port = Number.isInteger(listen.adminPort) && listen.adminPort > 0 ? listen.adminPort : 9090;
  const bound = typeof listen.host === 'string' ? listen.host : '0.0.0.0';
  const host = bound === '0.0.0.0' || bound === '::' || bound === '' ? '127.0.0.1' : bound.replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

const { host, port } = adminAddress();
const req = http.get({ host, port, path: '/healthz', timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
