import { parseOrThrow, serviceBackendSchema } from '../../model';
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
}

/** An in-cluster Service as a backend. */
export class ServiceBackend {
  /** Reference an existing Service by name. */
  static fromServiceName(serviceName: string, options: ServiceBackendOptions): IBackend {
    // `?? {}`: from JavaScript a forgotten options object becomes "port: is required".
    const o: Partial<ServiceBackendOptions> = options ?? {};
    const model = parseOrThrow(
      serviceBackendSchema,
      { kind: 'service', serviceName, port: o.port, scheme: o.scheme ?? 'http', ...(o.namespace ? { namespace: o.namespace } : {}) },
      `ServiceBackend.fromServiceName(${serviceName})`,
    );
    return { _toBackendModel: () => model };
  }

  private constructor() {}
}
