import type { OathkeeperAccessRule } from './access-rule';

/**
 * The rule that answers 403 for the methods a route refuses. Without it a refused method
 * matches no rule and Oathkeeper answers 404; with it, the same URL and the other methods
 * reach the `deny` authorizer (403), as on every other engine. Rendered only when no other
 * route shares the URL space: Oathkeeper answers 500 when two rules match one request.
 */
export function renderMethodDenyRule(rule: OathkeeperAccessRule, refusedMethods: readonly string[]): OathkeeperAccessRule {
  return {
    id: `${rule.id}-deny-other-methods`,
    description: `${rule.description} (methods it refuses)`,
    match: { url: rule.match.url, methods: [...refusedMethods] },
    authenticators: [{ handler: 'noop' }],
    authorizer: { handler: 'deny' },
    mutators: [{ handler: 'noop' }],
    upstream: rule.upstream,
  };
}
