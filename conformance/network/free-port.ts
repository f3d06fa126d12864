import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Engines started as processes need their
 * listener ports in their config before they start, so they cannot take port 0 and report
 * back; the tiny window in which another process could grab the port ends in a clear
 * "address in use" start-up failure, never in a wrong result.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
