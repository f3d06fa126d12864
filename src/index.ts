/**
 * gatewright: declare who may call which API, and with which credential the gateway calls the
 * backend, as cdk8s constructs; synthesize it for Traefik Hub, open-source Traefik, Ory
 * Oathkeeper, OAuth2 Proxy or the bundled reference proxy.
 *
 * This entry point holds what a cdk8s app declares: constructs, their props and the error type.
 * The zod schemas and model types are in `gatewright/model`, the access report and security
 * diff in `gatewright/report`, the Pulumi components in `gatewright/pulumi` (and
 * `gatewright/pulumi/aws`).
 * @packageDocumentation
 * @module gatewright
 */
export * from './constructs';
export { ErrorCode, GatewrightError, type GatewrightErrorDetails } from './model/errors';
export { GatewayEngine } from './model/gateway';
export { HTTP_METHODS, type HttpMethodName } from './model/names';
export { JWT_ALGORITHMS } from './model/client-auth';
