import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { externalNameBackendSchema, parseOrThrow, type BackendModel, type ExternalNameBackendModel } from '../../model';
import { parentChartOf } from '../parent-chart';
import type { IBackend } from './backend';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Props of {@link ExternalNameBackend}. */
export interface ExternalNameBackendProps {
  /** DNS name of the external backend, without scheme or path: `myinst.integration.ocp.oraclecloud.com`. */
  readonly externalName: string;
  /**
   * Port of the external backend. Kept on the Service: Traefik needs it to build the
   * server address.
   * @default 443
   */
  readonly port?: number;
  /**
   * Protocol spoken to the backend.
   * @default - 'https', or 'http' when port is 80
   */
  readonly scheme?: 'https' | 'http';
  /**
   * Name of the ExternalName Service.
   * @default - the construct id
   */
  readonly serviceName?: string;
  /**
   * Namespace of the Service.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** Options for {@link ExternalNameBackend.fromService}. */
export interface ExternalNameServiceOptions {
  /**
   * Port of the external backend, as the existing Service lists it.
   * @default 443
   */
  readonly port?: number;
  /**
   * Protocol spoken to the backend.
   * @default - 'https', or 'http' when port is 80
   */
  readonly scheme?: 'https' | 'http';
  /**
   * Namespace of the existing Service.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

const EXTERNAL_NAME_BACKEND_PROPS = keysOf<ExternalNameBackendProps>()(['externalName', 'port', 'scheme', 'serviceName', 'namespace']);

/**
 * An external backend (SaaS API, Oracle Integration Cloud) reached through a Kubernetes
 * `ExternalName` Service, so routes address it like an in-cluster service.
 * Traefik must run with `providers.kubernetesCRD.allowExternalNameServices=true`.
 */
export class ExternalNameBackend extends Construct implements IBackend {
  /** Reference an ExternalName Service that already exists (nothing is created). */
  static fromService(serviceName: string, externalName: string, options: ExternalNameServiceOptions = {}): IBackend {
    const model = parseOrThrow(
      externalNameBackendSchema,
      {
        kind: 'externalName',
        serviceName,
        externalName,
        port: options.port ?? 443,
        scheme: options.scheme ?? defaultScheme(options.port ?? 443),
        ...(options.namespace ? { namespace: options.namespace } : {}),
      },
      `ExternalNameBackend.fromService(${serviceName})`,
    );
    return { _toBackendModel: () => model };
  }

  /** The generated Service. */
  readonly service: ApiObject;
  private readonly model: ExternalNameBackendModel;

  constructor(scope: Construct, id: string, props: ExternalNameBackendProps) {
    super(scope, id);
    rejectUnknownProps(props, EXTERNAL_NAME_BACKEND_PROPS, this.node.path, 'ExternalNameBackend');
    const port = props.port ?? 443;
    const namespace = props.namespace ?? parentChartOf(this).namespace;
    this.model = parseOrThrow(
      externalNameBackendSchema,
      {
        kind: 'externalName',
        serviceName: props.serviceName ?? id,
        externalName: props.externalName,
        port,
        scheme: props.scheme ?? defaultScheme(port),
        ...(namespace ? { namespace } : {}),
      },
      this.node.path,
    );
    // A plain ApiObject: cdk8s-plus drops `ports` on ExternalName Services, and Traefik needs
    // the port to build the server address (a missing port means :80 and a TLS failure).
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.model.serviceName, ...(namespace ? { namespace } : {}) },
      spec: {
        type: 'ExternalName',
        externalName: this.model.externalName,
        ports: [{ name: this.model.scheme, port: this.model.port, targetPort: this.model.port, protocol: 'TCP' }],
      },
    });
  }

  /** @internal */
  _toBackendModel(): BackendModel {
    return this.model;
  }
}

function defaultScheme(port: number): 'https' | 'http' {
  return port === 80 ? 'http' : 'https';
}
