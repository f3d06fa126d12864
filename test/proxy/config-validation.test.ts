import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError, oauthClientCredentialsSchema, PROXY_DEFAULTS } from '../../src/model';
import { validateProxyConfig } from '../../src/proxy/config/load-proxy-config';
import { AddressBlocks } from '../../src/proxy/net/address-blocks';
import { InvalidTokenStoreKeyError, TokenCipher } from '../../src/proxy/upstream/token-store/token-cipher';

/** The proxy's new settings are validated by the model's schema, with the fix in the message. */

function refusal(input: Record<string, unknown>): GatewrightError {
  try {
    validateProxyConfig({ version: 1, routes: [], ...input });
  } catch (err) {
    expect(err).toBeInstanceOf(GatewrightError);
    return err as GatewrightError;
  }
  throw new Error('expected the config to be refused');
}

describe('proxy config: new settings', () => {
  it('has the documented defaults', () => {
    const config = validateProxyConfig({ version: 1, routes: [] });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080, adminPort: 9090, forwardAuthPort: 8081 });
    expect(config.trustedHops).toEqual([]);
    expect(config.stripRequestHeaders).toEqual([]);
    expect(config.timeouts).toEqual({ requestHeadersSeconds: 60, requestSeconds: 300, clientIdleSeconds: 95 });
    expect(config.limits.maxHeaderCount).toBe(100);
  });

  it.each([
    [{ trustedHops: ['0.0.0.0/0'] }, '[proxy config] trustedHops[0]: "0.0.0.0/0" trusts every address; name the blocks of your load balancers or Traefik pods'],
    [{ trustedHops: ['::/0'] }, '[proxy config] trustedHops[0]: "::/0" trusts every address; name the blocks of your load balancers or Traefik pods'],
    [{ trustedHops: ['10.0.0.0/33'] }, '[proxy config] trustedHops[0]: "10.0.0.0/33" is not an address block; write CIDR notation such as "10.42.0.0/16" or "fd00::/8"'],
    [{ trustedHops: ['traefik'] }, '[proxy config] trustedHops[0]: "traefik" is not an address block; write CIDR notation such as "10.42.0.0/16" or "fd00::/8"'],
    [
      { timeouts: { requestHeadersSeconds: 100, requestSeconds: 50 } },
      '[proxy config] timeouts: requestHeadersSeconds must not exceed requestSeconds (the head is part of the request); raise requestSeconds or set it to 0',
    ],
    [{ stripRequestHeaders: ['X Bad'] }, '[proxy config] stripRequestHeaders[0]: must be an HTTP header name (RFC 7230 token characters, no spaces or ":"), e.g. "X-API-Key"'],
  ])('refuses %j', (input, message) => {
    const err = refusal(input);
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe(message);
  });

  it('matches trusted hops for IPv4, IPv6 and IPv4-mapped peers', () => {
    const blocks = new AddressBlocks(['10.42.0.0/16', 'fd00::/8', '192.0.2.7']);
    expect(['10.42.3.4', '::ffff:10.42.3.4', 'fd12:3456::1', '192.0.2.7'].map((a) => blocks.contains(a))).toEqual([true, true, true, true]);
    expect(['10.43.0.1', '192.0.2.8', 'fe80::1', '127.0.0.1', '', undefined].map((a) => blocks.contains(a))).toEqual([false, false, false, false, false, false]);
  });
});

describe('upstream OAuth: token type and token store settings', () => {
  const base = { kind: 'oauth2ClientCredentials', name: 't', tokenUrl: 'https://idp.example.com/token', clientId: { kind: 'unsafePlaintext', value: 'c' }, clientSecret: { kind: 'unsafePlaintext', value: 's' } };

  it('accepts Bearer tokens only, unless told otherwise', () => {
    expect(oauthClientCredentialsSchema.parse(base).acceptedTokenTypes).toEqual(['Bearer']);
    expect(oauthClientCredentialsSchema.safeParse({ ...base, acceptedTokenTypes: [] }).success).toBe(false);
  });

  it('wants Redis endpoints as host:port', () => {
    const store = (endpoints: string[]) => ({ ...base, tokenStore: { redis: { endpoints }, encryptionKey: { secretName: 'k', key: 'k' } } });
    expect(oauthClientCredentialsSchema.safeParse(store(['redis.cache.svc:6379', '[fd00::1]:6379'])).success).toBe(true);
    const bad = oauthClientCredentialsSchema.safeParse(store(['redis://redis:6379']));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toBe('must be "host:port", e.g. "redis.cache.svc:6379"');
  });

  it('needs an encryption key of 16, 24 or 32 bytes', () => {
    for (const length of [16, 24, 32]) expect(TokenCipher.fromSecretValue('k'.repeat(length))).toBeInstanceOf(TokenCipher);
    expect(() => TokenCipher.fromSecretValue('short-key')).toThrow(new InvalidTokenStoreKeyError('the token store encryption key has 9 bytes; it needs 16, 24 or 32'));
  });
});

describe('proxy config: one source of defaults and rules with the ReferenceProxy construct', () => {
  it('refuses an unknown setting (a typo would otherwise be ignored), at the top and inside a group', () => {
    expect(refusal({ forwardAuthPorts: 8081 }).message).toBe('[proxy config] Unrecognized key: "forwardAuthPorts"');
    expect(refusal({ listen: { port: 8080, adminport: 9091 } }).message).toBe('[proxy config] listen: Unrecognized key: "adminport"');
  });

  it('applies the same rules to forwardAuthPath and secretsDir as the construct does', () => {
    expect(refusal({ forwardAuthPath: '/fa/<x>' }).message).toBe('[proxy config] forwardAuthPath: must be a plain absolute path, e.g. "/_gatewright/forward-auth"');
    expect(refusal({ secretsDir: '/var/run/secrets/' }).message).toBe('[proxy config] secretsDir: must be an absolute directory without a trailing "/", e.g. "/var/run/secrets/gatewright"');
  });

  it('defaults to PROXY_DEFAULTS, the values the construct renders', () => {
    const config = validateProxyConfig({ version: 1, routes: [] });
    expect({
      port: config.listen.port,
      adminPort: config.listen.adminPort,
      forwardAuthPort: config.listen.forwardAuthPort,
      secretsDir: config.secretsDir,
      forwardAuthPath: config.forwardAuthPath,
      shutdownDelaySeconds: config.shutdownDelaySeconds,
      maxHeaderBytes: config.limits.maxHeaderBytes,
      maxTokenBytes: config.limits.maxTokenBytes,
    }).toEqual(PROXY_DEFAULTS);
  });
});
