/** nginx (Debian's, one worker) as the `proxy_pass` reference, with a config in a temp dir. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinned } from './process-stats';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** Starts nginx on loopback; resolves with the master and the worker (which serves and is measured). */
export function startNginx(bin: string, dir: string, port: number, upstreamPort: number, core: number | undefined): { master: ChildProcess; configFile: string } {
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(
    configFile,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  client_max_body_size 4m;
  upstream echo { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://echo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_set_header X-Backend-Key "bench-injected-key";
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
`,
  );
  const [cmd, ...args] = pinned(core, [bin, '-c', configFile, '-p', dir]);
  return { master: spawn(cmd, args, { stdio: 'ignore' }), configFile };
}

/** The worker of an nginx master (taskset execs nginx, so the master is the spawned pid). */
export function nginxWorker(masterPid: number): number | undefined {
  const out = spawnSync('pgrep', ['-P', String(masterPid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  return Number(out) || undefined;
}
