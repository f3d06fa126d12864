import { Construct } from 'constructs';
import {
  assembledRouteSchema,
  clientAuthSchema,
  ErrorCode,
  GatewrightError,
  parseOrThrow,
  upstreamCredentialSchema,
  type ApiRouteModel,
  type ClientAuthModel,
  type HttpMethodName,
  type UpstreamCredentialModel,
} from '../model';
import { ClientAuth } from './auth/client-auth';
import type { IUpstreamCredential } from './auth/upstream-credential';
import type { IBackend } from './backends/backend';
import type { IGateway } from './gateways/gateway';
import { rejectPlaintext, SecretRef } from './secrets/secret-ref';
import { registerSessionProvider } from './gateways/session-providers';
import { keysOf, listProp, rejectUnknownProps } from './props/check-props';
import { TopologyExport } from './topology/topology-export';
import { VirtualEndpoint } from './virtual-endpoint';

/** Props of {@link SecuredApi}. */
export interface SecuredApiProps {
  /** The gateway that serves this API. */
  readonly gateway: IGateway;
  /** Public host name, e.g. `api.example.com`. */
  readonly host: string;
  /** Where requests go. */
  readonly backend: IBackend;
  /**
   * How callers authenticate. Required: a public API must say `ClientAuth.none()`.
   */
  readonly clientAuth: ClientAuth;
  /**
   * A virtual endpoint: the public path and the backend path it is rewritten to.
   * @default - no rewrite; see `path`
   */
  readonly endpoint?: VirtualEndpoint;
  /**
   * Public path prefix served unchanged (use `endpoint` to rewrite instead).
   * @default '/' (or the endpoint's path)
   */
  readonly path?: string;
  /**
   * Credential(s) the gateway adds toward the backend after removing the caller's.
   * @default - none
   */
  readonly upstreamAuth?: IUpstreamCredential | readonly IUpstreamCredential[];
  /**
   * Allowed HTTP methods.
   * @default - every method
   */
  readonly methods?: readonly HttpMethodName[];
  /**
   * Scopes the caller's token must carry, all of them.
   * @default - none
   */
  readonly scopes?: readonly string[];
  /**
   * Claims the caller's token must carry with exactly these values.
   * @default {}
   */
  readonly claims?: Readonly<Record<string, string>>;
  /**
   * Forward the caller's Host header instead of the backend's host name.
   * @default false
   */
  readonly preserveHost?: boolean;
  /**
   * Forward the caller's `Cookie` header to the backend. The caller's cookies are first-party
   * session cookies for `host`; a third-party backend (Jira, Okta, ...) must not receive them.
   * When false, every engine removes `Cookie` before the backend (Oathkeeper, which can only
   * set headers, sends it empty).
   * @default - false for ExternalNameBackend backends, true for in-cluster Services
   */
  readonly forwardCookies?: boolean;
  /**
   * Forwarding headers (`X-Forwarded-*`, `Forwarded`, `X-Real-Ip`) toward the backend:
   * `'overwrite'` writes them from the connection the gateway accepted (a caller's own copies
   * are never believed), `'hide'` sends none, so a third party learns neither the caller's
   * address nor the public host and path.
   * @default - 'hide' for ExternalNameBackend backends, 'overwrite' for in-cluster Services
   */
  readonly forwardingHeaders?: 'overwrite' | 'hide';
  /**
   * Upstream timeout in seconds: how long the gateway waits for the backend's response
   * headers (reference proxy, Traefik and Traefik Hub; Oathkeeper has none and refuses it).
   * @default 30 where the engine has an upstream timeout
   */
  readonly timeoutSeconds?: number;
  /**
   * Largest request body forwarded, in bytes. A declared `Content-Length` above it is answered
   * 413 before the backend is contacted, a streamed body is cut off when it grows past it.
   * Traefik gateways render it as a `buffering` Middleware after client authentication;
   * Oathkeeper has no body limit and refuses it.
   * @default - no limit
   */
  readonly maxBodyBytes?: number;
  /**
   * Let callers open WebSocket connections on this route. The handshake is authenticated,
   * authorized and given the upstream credential like any request; the reference proxy then
   * closes the connection when the caller's JWT expires. See the README's engine
   * capabilities for what Traefik and Oathkeeper do with handshakes on other routes.
   * @default false
   */
  readonly allowWebSocket?: boolean;
  /**
   * Base name of the generated objects.
   * @default - the construct id
   */
  readonly name?: string;
}

const SECURED_API_PROPS = keysOf<SecuredApiProps>()([
  'gateway',
  'host',
  'backend',
  'clientAuth',
  'endpoint',
  'path',
  'upstreamAuth',
  'methods',
  'scopes',
  'claims',
  'preserveHost',
  'forwardCookies',
  'forwardingHeaders',
  'timeoutSeconds',
  'maxBodyBytes',
  'allowWebSocket',
  'name',
]);

/** Model fields as the SecuredApi props they come from, for error messages. */
const FIELD_ALIASES = [
  ['pathPrefix', 'path'],
  ['authorization.methods', 'methods'],
  ['authorization.scopes', 'scopes'],
  ['authorization.claims', 'claims'],
  ['rewrite', 'endpoint'],
] as const;

/**
 * One API exposed through a gateway: who may call it (client auth, methods, scopes), where
 * it goes (backend, virtual endpoint) and with which credential the gateway calls the
 * backend. Renders to whatever engine the gateway is.
 */
export class SecuredApi extends Construct {
  /** The validated, engine-neutral route. */
  readonly route: ApiRouteModel;
  /** The gateway serving it. */
  readonly gateway: IGateway;

  constructor(scope: Construct, id: string, props: SecuredApiProps) {
    super(scope, id);
    const path = this.node.path;
    rejectUnknownProps(props, SECURED_API_PROPS, path, 'SecuredApi');
    if (!(props.clientAuth instanceof ClientAuth)) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path,
        field: 'clientAuth',
        problem: 'is required: every API must choose how callers authenticate',
        fix: 'set clientAuth: ClientAuth.jwt({...}) or ClientAuth.apiKey({...}); for a deliberately public API, ClientAuth.none()',
      });
    }
    if (!props.gateway || typeof props.gateway._addRoute !== 'function') {
      throw new GatewrightError({ code: ErrorCode.INVALID_PROPS, path, field: 'gateway', problem: 'is required', fix: 'pass a gateway such as new TraefikHubGateway(chart, "gateway")' });
    }
    if (!props.backend || typeof props.backend._toBackendModel !== 'function') {
      throw new GatewrightError({ code: ErrorCode.INVALID_PROPS, path, field: 'backend', problem: 'is required', fix: 'pass an ExternalNameBackend or ServiceBackend.fromServiceName(...)' });
    }
    if (props.endpoint !== undefined && !(props.endpoint instanceof VirtualEndpoint)) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path,
        field: 'endpoint',
        problem: 'is not a VirtualEndpoint',
        fix: 'pass new VirtualEndpoint(scope, "id", { path, target }); to serve a path unchanged, set `path` instead',
      });
    }
    if (props.endpoint && props.path !== undefined && props.path !== props.endpoint.path) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path,
        field: 'path',
        problem: `conflicts with endpoint.path "${props.endpoint.path}"`,
        fix: 'drop `path`: the endpoint decides the public path',
      });
    }
    const upstream = upstreamCredentialsOf(props.upstreamAuth, path);
    this.gateway = props.gateway;
    const backend = props.backend._toBackendModel();
    this.route = parseOrThrow(
      assembledRouteSchema,
      {
        name: props.name ?? id,
        path,
        host: props.host,
        pathPrefix: props.endpoint?.path ?? props.path ?? '/',
        clientAuth: validatedClientAuth(props.clientAuth, path),
        authorization: {
          methods: listProp(props.methods, path, 'methods', "['GET']"),
          scopes: listProp(props.scopes, path, 'scopes', "['orders:read']"),
          claims: props.claims ?? {},
        },
        upstreamAuth: validatedUpstreamModels(upstream, path),
        rewrite: props.endpoint?._toRewriteModel() ?? { kind: 'none' },
        backend,
        preserveHost: props.preserveHost ?? false,
        forwardCookies: props.forwardCookies ?? backend.kind !== 'externalName',
        forwardingHeaders: props.forwardingHeaders ?? (backend.kind === 'externalName' ? 'hide' : 'overwrite'),
        ...(props.timeoutSeconds !== undefined ? { timeoutSeconds: props.timeoutSeconds } : {}),
        ...(props.maxBodyBytes !== undefined ? { maxBodyBytes: props.maxBodyBytes } : {}),
        ...(props.allowWebSocket !== undefined ? { allowWebSocket: props.allowWebSocket } : {}),
      },
      path,
      '',
      FIELD_ALIASES,
    );
    const session = props.clientAuth._sessionMiddleware();
    if (session && this.route.clientAuth.kind === 'oidcSession') registerSessionProvider(this, this.route.clientAuth.provider, session);
    props.gateway._addRoute(this, this.route);
    // Lets `gatewright report` read this route from the tree at synth (no-op otherwise).
    TopologyExport.ensure(this);
  }
}

/**
 * Client auth and upstream credentials are usually shared by many SecuredApis: each is
 * validated by the first route that uses it (so an error names that route and the prop as
 * written there) and reused by the others. Keyed by instance; a failed validation caches nothing.
 */
const validatedClientAuths = new WeakMap<ClientAuth, ClientAuthModel>();
const validatedCredentials = new WeakMap<IUpstreamCredential, readonly UpstreamCredentialModel[]>();

function validatedClientAuth(clientAuth: ClientAuth, path: string): ClientAuthModel {
  const cached = validatedClientAuths.get(clientAuth);
  if (cached) return cached;
  const model = parseOrThrow(clientAuthSchema, clientAuth._toModel(path), path, 'clientAuth', FIELD_ALIASES);
  validatedClientAuths.set(clientAuth, model);
  return model;
}

function validatedUpstreamModels(credentials: readonly IUpstreamCredential[], path: string): UpstreamCredentialModel[] {
  const out: UpstreamCredentialModel[] = [];
  for (const c of credentials) {
    let models = validatedCredentials.get(c);
    if (!models) {
      const offset = out.length;
      models = c._toUpstreamModels(path).map((m, i) => parseOrThrow(upstreamCredentialSchema, m, path, `upstreamAuth[${offset + i}]`, FIELD_ALIASES));
      validatedCredentials.set(c, models);
    }
    out.push(...models);
  }
  return out;
}

/**
 * `upstreamAuth` as a list, each entry checked to be a credential. The type system already
 * says so; this catches JavaScript callers and casts, where a bare string is most likely a
 * token pasted into the code.
 */
function upstreamCredentialsOf(value: SecuredApiProps['upstreamAuth'], path: string): readonly IUpstreamCredential[] {
  const list: readonly unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  list.forEach((c, i) => {
    const field = Array.isArray(value) ? `upstreamAuth[${i}]` : 'upstreamAuth';
    if (typeof c === 'string') rejectPlaintext(path, field);
    if (typeof (c as Partial<IUpstreamCredential> | undefined)?._toUpstreamModels !== 'function') {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path,
        field,
        problem: c instanceof SecretRef ? 'is a bare SecretRef; the gateway does not know how to send it' : 'is not an upstream credential',
        fix: c instanceof SecretRef
          ? 'say how it travels, e.g. UpstreamCredential.header("Authorization", ref, { prefix: "Bearer " })'
          : 'pass an UpstreamOAuth, or a credential from UpstreamCredential.header / headers / queryParam / basicAuth / combine',
      });
    }
  });
  return list as readonly IUpstreamCredential[];
}
