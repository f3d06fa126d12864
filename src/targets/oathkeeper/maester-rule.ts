import type { RuleProps } from '../../../imports/oathkeeper.ory.sh';
import type { OathkeeperAccessRule } from './access-rule';

/**
 * The same access rule as an oathkeeper-maester `Rule` (`oathkeeper.ory.sh/v1alpha1`). The
 * CRD spells upstream fields in camelCase; maester writes the rule into Oathkeeper's rules
 * ConfigMap with the id `<name>.<namespace>`.
 */
export function toMaesterRuleProps(rule: OathkeeperAccessRule, namespace: string | undefined): RuleProps {
  const { upstream } = rule;
  return {
    metadata: { name: rule.id, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
    spec: {
      match: { url: rule.match.url, methods: [...rule.match.methods] },
      authenticators: rule.authenticators.map((h) => ({ ...h })),
      authorizer: { ...rule.authorizer },
      mutators: rule.mutators.map((h) => ({ ...h })),
      upstream: {
        url: upstream.url,
        ...(upstream.strip_path ? { stripPath: upstream.strip_path } : {}),
        preserveHost: upstream.preserve_host,
      },
    },
  };
}
