export * from './request-transformation';
export * from './path-rewrite';
export * from './derived-secrets';
export * from './object-identity';
export * from './object-names';
export * from './capabilities';
export * from './router-overlap';
