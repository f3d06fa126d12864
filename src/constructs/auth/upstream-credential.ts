import { ErrorCode, GatewrightError, type UpstreamCredentialModel } from '../../model';
import { toCredentialValueModel, type CredentialInput } from '../secrets/credential-value';

/** Something that tells the gateway which credential(s) to add toward the backend. */
export interface IUpstreamCredential {
  /** @internal model form, validated by the SecuredApi using it */
  _toUpstreamModels(usedBy: string): UpstreamCredentialModel[];
}

/** Options for {@link UpstreamCredential.header}. */
export interface UpstreamHeaderOptions {
  /**
   * Literal text before the secret value, e.g. `'SSWS '` for Okta or `'Bearer '`.
   * @default ''
   */
  readonly prefix?: string;
}

/**
 * Static upstream credentials: headers, query parameters, BasicAuth, and combinations.
 * For OAuth2 client credentials use the `UpstreamOAuth` construct.
 */
export class UpstreamCredential implements IUpstreamCredential {
  /** One header, e.g. `header('X-API-Key', SecretRef.fromSecret('datadog', 'api-key'))`. */
  static header(name: string, value: CredentialInput, options: UpstreamHeaderOptions = {}): UpstreamCredential {
    return new UpstreamCredential((usedBy) => [
      { kind: 'header', name, value: toCredentialValueModel(value, usedBy, `upstreamAuth.header(${name})`), prefix: options.prefix ?? '' },
    ]);
  }

  /** Several headers at once: `headers({ 'DD-API-KEY': ref1, 'DD-APPLICATION-KEY': ref2 })`. */
  static headers(values: Readonly<Record<string, CredentialInput>>): UpstreamCredential {
    if (Object.keys(values ?? {}).length === 0) throw emptyCredential('UpstreamCredential.headers({})', 'pass at least one header, e.g. headers({ "X-API-Key": ref })');
    return UpstreamCredential.combine(...Object.entries(values).map(([name, value]) => UpstreamCredential.header(name, value)));
  }

  /** A query parameter set on every upstream request, e.g. `queryParam('api_key', ref)`. */
  static queryParam(name: string, value: CredentialInput): UpstreamCredential {
    return new UpstreamCredential((usedBy) => [
      { kind: 'queryParam', name, value: toCredentialValueModel(value, usedBy, `upstreamAuth.queryParam(${name})`) },
    ]);
  }

  /** `Authorization: Basic base64(username:password)`, both taken from Secrets. */
  static basicAuth(username: CredentialInput, password: CredentialInput): UpstreamCredential {
    return new UpstreamCredential((usedBy) => [
      {
        kind: 'basicAuth',
        username: toCredentialValueModel(username, usedBy, 'upstreamAuth.basicAuth.username'),
        password: toCredentialValueModel(password, usedBy, 'upstreamAuth.basicAuth.password'),
      },
    ]);
  }

  /** Several credentials on the same request, e.g. an OAuth token plus a static API key. */
  static combine(...credentials: IUpstreamCredential[]): UpstreamCredential {
    if (credentials.length === 0) throw emptyCredential('UpstreamCredential.combine()', 'pass the credentials to combine, or leave upstreamAuth unset for none');
    return new UpstreamCredential((usedBy) => credentials.flatMap((c) => c._toUpstreamModels(usedBy)));
  }

  private constructor(private readonly produce: (usedBy: string) => UpstreamCredentialModel[]) {}

  /** @internal */
  _toUpstreamModels(usedBy: string): UpstreamCredentialModel[] {
    return this.produce(usedBy);
  }
}

/** An empty combination would silently send no credential; say so instead. */
function emptyCredential(call: string, fix: string): GatewrightError {
  return new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: call, problem: 'adds no credential', fix });
}
