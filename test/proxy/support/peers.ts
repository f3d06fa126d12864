import { EchoUpstream } from './echo-upstream';
import { TestIssuer } from './issuer';
import type { TestProxy } from './test-proxy';
import { TestTokenEndpoint } from './token-endpoint';

/** The proxy's peers on 127.0.0.1: JWKS/token issuer, OAuth token endpoint, echo upstream. */
export interface TestPeers {
  readonly issuer: TestIssuer;
  readonly token: TestTokenEndpoint;
  readonly echo: EchoUpstream;
}

/** Starts the three peers side by side. */
export async function startPeers(): Promise<TestPeers> {
  const [issuer, token, echo] = await Promise.all([TestIssuer.start(), TestTokenEndpoint.start(), EchoUpstream.start()]);
  return { issuer, token, echo };
}

/** Stops the proxy first (it holds connections to the peers), then whichever peers started. */
export async function stopPeers(gw: TestProxy | undefined, peers: Partial<TestPeers>): Promise<void> {
  await gw?.stop();
  await Promise.all([peers.issuer?.close(), peers.token?.close(), peers.echo?.close()]);
}
