import { ErrorCode, GatewrightError, parseOrThrow, serviceBackendSchema, type BackendTlsModel } from '../../model';
import type { IBackend } from './backend';

/** Options for {@link ServiceBackend.fromServiceName}. */
export interface ServiceBackendOptions {
  /** Service port. */
  readonly port: number;
  /**
   * Protocol spoken to the Service.
   * @default 'http'
   */
  readonly scheme?: 'https' | 'http';
  /**
   * Namespace of the Service.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
  /**
   * How the certificate of an `https` Service is checked. Traefik dials pod addresses, so it
   * must be told the name the certificate carries (otherwise it checks it against an IP and
   * fails); name a private CA too.
   * @default - the certificate must be for `<service>.<namespace>.svc`, signed by a CA the gateway trusts
   */
  readonly tls?: ServiceBackendTls;
}

/** TLS verification of an in-cluster https backend. */
export interface ServiceBackendTls {
  /**
   * Name the Service's certificate is issued for.
   * @default - `<service>.<namespace>.svc`
   */
  readonly serverName?: string;
  /**
   * Secret holding the CA certificate (key `ca.crt`) that signed the backend's certificate.
   * @default - none: a CA the gateway trusts already
   */
  readonly caSecret?: string;
  /**
   * ConfigMap holding that CA certificate (key `ca.crt`), e.g. the one cert-manager's trust-manager writes.
   * @default - none
   */
  readonly caConfigMap?: string;
}

/** An in-cluster Service as a backend. */
export class ServiceBackend {
  /** Reference an existing Service by name. */
  static fromServiceName(serviceName: string, options: ServiceBackendOptions): IBackend {
    // `?? {}`: from JavaScript a forgotten options object becomes "port: is required".
    const o: Partial<ServiceBackendOptions> = options ?? {};
    const model = parseOrThrow(
      serviceBackendSchema,
      {
        kind: 'service',
        serviceName,
        port: o.port,
        scheme: o.scheme ?? 'http',
        ...(o.namespace ? { namespace: o.namespace } : {}),
        ...(o.tls ? { tls: serviceTlsModel(o.tls, `ServiceBackend.fromServiceName(${serviceName})`) } : {}),
      },
      `ServiceBackend.fromServiceName(${serviceName})`,
    );
    return { _toBackendModel: () => model };
  }

  private constructor() {}
}

function serviceTlsModel(tls: ServiceBackendTls, path: string): BackendTlsModel {
  if (tls.caSecret && tls.caConfigMap) {
    throw new GatewrightError({ code: ErrorCode.INVALID_PROPS, path, field: 'tls', problem: 'names both caSecret and caConfigMap', fix: 'name the one that holds the CA certificate' });
  }
  return {
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    ...(tls.caSecret ? { rootCa: { kind: 'secret' as const, name: tls.caSecret } } : tls.caConfigMap ? { rootCa: { kind: 'configMap' as const, name: tls.caConfigMap } } : {}),
  };
}
