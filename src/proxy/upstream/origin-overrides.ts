/**
 * Applies the config's `originOverrides` (a test and playground facility) to an outbound URL:
 * `https://idp.example.com/jwks` → `http://127.0.0.1:9000/jwks` when that origin is overridden.
 */
export function overrideOrigin(url: string, overrides: Readonly<Record<string, string>>): string {
  const u = new URL(url);
  const replacement = overrides[u.origin] ?? overrides[`${u.protocol}//${u.host}`];
  if (!replacement) return url;
  return `${replacement.replace(/\/$/, '')}${u.pathname}${u.search}`;
}

/** `scheme://host[:port]` for a backend, with the port left out when it is the scheme's default. */
export function originOf(scheme: 'http' | 'https', host: string, port: number): string {
  const defaultPort = scheme === 'https' ? 443 : 80;
  return port === defaultPort ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
}
