import type { LoopbackWorld } from '../world/loopback-world';

/**
 * The environment every engine process gets, and nothing else from the harness's own: the
 * loopback network as its HTTP(S) proxy (Go's `http.ProxyFromEnvironment`; loopback
 * addresses bypass it) and the run's CA as its only trust anchor (Go reads `SSL_CERT_FILE`).
 */
export function engineEnvironment(world: LoopbackWorld, caFile: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: '/nonexistent',
    HTTP_PROXY: world.network.proxyUrl,
    HTTPS_PROXY: world.network.proxyUrl,
    http_proxy: world.network.proxyUrl,
    https_proxy: world.network.proxyUrl,
    NO_PROXY: '',
    SSL_CERT_FILE: caFile,
    SSL_CERT_DIR: '/nonexistent',
    ...extra,
  };
}
