/**
 * The engine-neutral model: zod schemas and the types inferred from them, for tools that read
 * or write gatewright topologies and proxy configs.
 * @packageDocumentation
 * @module gatewright/model
 */
export * from './errors';
export * from './names';
export * from './secret-ref';
export * from './client-auth';
export * from './upstream-credential';
export * from './backend';
export * from './rewrite';
export * from './api-route';
export * from './gateway';
export * from './validate';
export * from './topology';
export * from './proxy-config';
export * from './access-topology';
