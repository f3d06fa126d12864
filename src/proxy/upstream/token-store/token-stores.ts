import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { OAuthClientCredentialsModel, SecretRefModel } from '../../../model';
import { secretRefId, type SecretResolver } from '../../secrets/secret-resolver';
import { RedisConnection, RedisTokenStore, type RedisConnectionSettings } from './redis-token-store';
import { InvalidTokenStoreKeyError, TokenCipher } from './token-cipher';

type TokenStoreModel = NonNullable<OAuthClientCredentialsModel['tokenStore']>;


/**
 * The proxy's shared token stores: one Redis connection per distinct server (many credentials
 * share it), one store per credential. Connections are opened at start-up, before the first
 * request, so replicas share tokens from the start; none is opened without a `tokenStore`.
 */
export class TokenStores {
  private readonly connections = new Map<string, Promise<RedisConnection>>();
  private readonly opened: RedisConnection[] = [];
  private readonly ciphers = new Map<string, TokenCipher>();

  constructor(
    private readonly secrets: SecretResolver,
    private readonly logger: Logger,
  ) {}

  /** The store of one credential (whose `tokenStore` is set), connected. */
  async storeFor(credential: OAuthClientCredentialsModel & { tokenStore: TokenStoreModel }): Promise<RedisTokenStore> {
    const model = credential.tokenStore;
    const settings = this.settings(model);
    const id = JSON.stringify(settings);
    let connection = this.connections.get(id);
    if (!connection) {
      const where = model.redis.endpoints.join(',');
      connection = RedisConnection.open(settings, {
        onDown: (reason) => this.logger.warn({ tokenStore: where, reason }, 'token store unreachable; each replica requests its own tokens until it is back'),
        onUp: () => this.logger.info({ tokenStore: where }, 'token store connected'),
      });
      this.connections.set(id, connection);
      this.opened.push(await connection);
    }
    const key = `${model.redis.keyPrefix ?? 'gatewright:'}oauth:${credential.name}:${identityDigest(credential)}`;
    return new RedisTokenStore(await connection, key, () => this.cipher(model.encryptionKey));
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.map((c) => c.close()));
  }

  private settings(model: TokenStoreModel): RedisConnectionSettings {
    const r = model.redis;
    return {
      endpoints: r.endpoints,
      ...(r.username ? { username: this.secrets.resolve(r.username) } : {}),
      ...(r.password ? { password: this.secrets.resolve(r.password) } : {}),
      ...(r.database !== undefined ? { database: r.database } : {}),
    };
  }

  /** The cipher for the key Secret's current value (it may rotate); never logs the value. */
  private cipher(ref: SecretRefModel): TokenCipher {
    const value = this.secrets.resolve(ref);
    if (value === undefined) throw new InvalidTokenStoreKeyError(`token store encryption key ${secretRefId(ref)} is not available`);
    let cipher = this.ciphers.get(value);
    if (!cipher) {
      cipher = TokenCipher.fromSecretValue(value);
      this.ciphers.clear();
      this.ciphers.set(value, cipher);
    }
    return cipher;
  }
}

/**
 * What makes two replicas' tokens interchangeable, as the model declares it (Secret references,
 * not their values, which may be missing at start-up); the client secret is not part of it.
 */
function identityDigest(c: OAuthClientCredentialsModel): string {
  return createHash('sha256')
    .update(JSON.stringify([c.tokenUrl, c.clientId, c.scopes, c.audience ?? null, c.authMethod]))
    .digest('hex')
    .slice(0, 32);
}
