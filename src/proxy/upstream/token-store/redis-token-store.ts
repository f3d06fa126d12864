import { randomUUID } from 'node:crypto';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { SharedToken, SharedTokenStore } from './shared-token-store';
import { TokenStoreUnavailableError } from './shared-token-store';
import type { TokenCipher } from './token-cipher';

/** How to reach Redis: the model's `tokenStore.redis`, with its Secrets resolved. */
export interface RedisConnectionSettings {
  /** `host:port` of the server, or of a Cluster's seed nodes. */
  readonly endpoints: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly database?: number;
}

/** ioredis is not installed: the proxy was built without the Redis token store's dependency. */
export class RedisClientMissingError extends Error {
  readonly code = 'ERR_GW_REDIS_CLIENT_MISSING';
}

/** Longest a Redis command may take before the proxy carries on without the store. */
const COMMAND_TIMEOUT_MS = 1000;

type RedisClient = Redis | Cluster;

/**
 * One connection to Redis, shared by every token store that names the same server. ioredis is
 * loaded only here, on first use: a proxy without a Redis token store never needs it. Commands
 * fail at once while the connection is down (no offline queue) and after
 * {@link COMMAND_TIMEOUT_MS} when Redis hangs, so a request never waits on a dead store; the
 * client reconnects in the background.
 */
export class RedisConnection {
  private constructor(readonly client: RedisClient) {}

  /**
   * Connects, waiting up to `readyWaitMs` for the first connection so replicas share tokens
   * from their first request; a Redis that is down then does not hold up the start.
   */
  static async open(settings: RedisConnectionSettings, events: { onDown(reason: string): void; onUp(): void }, readyWaitMs = 3000): Promise<RedisConnection> {
    const ioredis = loadIoredis();
    const nodes = settings.endpoints.map(parseEndpoint);
    const options: RedisOptions = {
      username: settings.username,
      password: settings.password,
      db: settings.database,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
      lazyConnect: false,
    };
    const client: RedisClient =
      nodes.length === 1
        ? new ioredis.Redis({ ...options, host: nodes[0].host, port: nodes[0].port })
        : new ioredis.Cluster(nodes, { redisOptions: options, enableOfflineQueue: false, clusterRetryStrategy: options.retryStrategy });
    let up = false;
    // Without an 'error' listener ioredis prints every failed reconnect to the console.
    client.on('error', (err: Error & { code?: string }) => {
      if (up) events.onDown(err.code ?? 'error');
      up = false;
    });
    client.on('ready', () => {
      up = true;
      events.onUp();
    });
    client.on('end', () => {
      up = false;
    });
    // Until the first connection succeeds or fails (a refused connection fails at once).
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, readyWaitMs);
      timer.unref();
      client.once('ready', done);
      client.once('error', done);
    });
    if (!up) events.onDown('not reachable at start-up');
    return new RedisConnection(client);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/** Deletes the lock only while it is still ours: another replica may hold it after our TTL ran out. */
const RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * One upstream credential's token in Redis, sealed with AES-GCM ({@link TokenCipher}) under
 * `<key>`, and the right to request the next one under `<key>:lock` (`SET NX PX`).
 */
export class RedisTokenStore implements SharedTokenStore {
  constructor(
    private readonly connection: RedisConnection,
    /** Redis key of the token, also bound into its encryption. */
    readonly key: string,
    /** The cipher for the current key Secret; throws when the Secret is missing or malformed. */
    private readonly cipher: () => TokenCipher,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<SharedToken | undefined> {
    const cipher = this.cipher();
    const sealed = await this.command(() => this.connection.client.get(this.key));
    if (sealed === null) return undefined;
    // A value sealed with another key (rotated Secret) or tampered with is as good as none.
    const text = cipher.open(sealed, this.key);
    if (text === undefined) return undefined;
    const token = parseSharedToken(text);
    return token && token.expiresAt > this.now() ? token : undefined;
  }

  async write(token: SharedToken): Promise<void> {
    const ttl = Math.floor(token.expiresAt - this.now());
    if (ttl <= 0) return;
    const sealed = this.cipher().seal(JSON.stringify({ accessToken: token.accessToken, fetchedAt: token.fetchedAt, expiresAt: token.expiresAt }), this.key);
    await this.command(() => this.connection.client.set(this.key, sealed, 'PX', ttl));
  }

  async lock(ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.key}:lock`;
    const owner = randomUUID();
    const taken = await this.command(() => this.connection.client.set(lockKey, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
    if (taken !== 'OK') return undefined;
    return async () => {
      await this.command(() => this.connection.client.eval(RELEASE_LOCK, 1, lockKey, owner));
    };
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new TokenStoreUnavailableError(`Redis: ${(err as { code?: string }).code ?? (err as Error).message}`);
    }
  }
}

function parseSharedToken(text: string): SharedToken | undefined {
  try {
    const v = JSON.parse(text) as Partial<SharedToken>;
    if (typeof v.accessToken !== 'string' || v.accessToken === '' || /[\r\n\0]/.test(v.accessToken)) return undefined;
    if (typeof v.fetchedAt !== 'number' || typeof v.expiresAt !== 'number') return undefined;
    return { accessToken: v.accessToken, fetchedAt: v.fetchedAt, expiresAt: v.expiresAt };
  } catch {
    return undefined;
  }
}

function parseEndpoint(endpoint: string): { host: string; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(endpoint.slice(colon + 1)) };
}

function loadIoredis(): typeof import('ioredis') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ioredis') as typeof import('ioredis');
  } catch {
    throw new RedisClientMissingError('tokenStore.redis needs the "ioredis" package, which is not installed; install it next to the proxy (the proxy image has it)');
  }
}
