/**
 * One escape-or-refuse function per target grammar: the only way a user value enters a
 * Traefik rule, a Hub claims expression, an Oathkeeper match URL, a Go / External Secrets
 * template or an OAuth2 Proxy flag. Each is property-tested (test/targets/grammars/).
 */
export * from './value-location';
export * from './traefik-rule';
export * from './re2';
export * from './hub-expression';
export * from './oathkeeper-match';
export * from './go-template';
export * from './external-secrets-template';
export * from './oauth2-proxy-flag';
