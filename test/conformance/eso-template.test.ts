import { describe, expect, it } from 'vitest';
import { examples } from '../../examples';
import { renderEsoTemplate, TemplateError } from '../../conformance/kubernetes/eso-template';
import { ClusterSecrets, testValue } from '../../conformance/kubernetes/cluster-secrets';
import { synthesizeApp } from '../../conformance/app/synthesized-app';

describe('ESO template evaluation (what External Secrets Operator computes into derived keys)', () => {
  it('evaluates the Basic and prefixed templates gatewright renders for the third-party example', () => {
    const app = synthesizeApp((a) => void examples['third-party-apis'](a));
    const secrets = ClusterSecrets.materialize(app.objects, [], 'saas-gateway');
    const templated = app.objects.filter((o) => o.kind === 'ExternalSecret' && o.spec.target.template);
    expect(templated.map((o) => o.metadata.name).sort()).toEqual(['jira-credentials', 'okta-credentials', 'salesforce-credentials']);
    const value = (name: string, key: string) => secrets.value(name, key, 'saas-gateway');
    const jira = templated.find((o) => o.metadata.name === 'jira-credentials')!;
    const [basicKey] = Object.keys(jira.spec.target.template.data);
    expect(value('jira-credentials', basicKey)).toBe(`Basic ${Buffer.from(`${testValue('jira-credentials', 'email')}:${testValue('jira-credentials', 'api-token')}`).toString('base64')}`);
    const okta = templated.find((o) => o.metadata.name === 'okta-credentials')!;
    const [sswsKey] = Object.keys(okta.spec.target.template.data);
    expect(value('okta-credentials', sswsKey)).toBe(`SSWS ${testValue('okta-credentials', 'api-token')}`);
  });

  it('supports fields, index, printf, pipelines, parentheses and trim markers', () => {
    const data = { user: 'u', 'pass-word': 'p' };
    expect(renderEsoTemplate('{{ .user }}', data)).toBe('u');
    expect(renderEsoTemplate('a {{- " b" }} {{ printf "%s:%s" (index . "user") (index . "pass-word") | b64enc -}}  !', data)).toBe(`a b ${Buffer.from('u:p').toString('base64')}!`);
    expect(renderEsoTemplate('100%% {{ printf "%s%%" .user }}', data)).toBe('100%% u%');
  });

  it('refuses what it does not implement, naming it, instead of guessing a credential', () => {
    expect(() => renderEsoTemplate('{{ .user | upper }}', { user: 'u' })).toThrow(new TemplateError('function "upper" is not supported by the conformance harness'));
    expect(() => renderEsoTemplate('{{ .missing }}', {})).toThrow('key "missing" is not in the synced data');
    expect(() => renderEsoTemplate('{{ printf "%d" .user }}', { user: 'u' })).toThrow(TemplateError);
    expect(() => renderEsoTemplate('{{ .user', { user: 'u' })).toThrow('unclosed action');
  });

  it('gives every referenced key a 32-character test value derived from its name', () => {
    expect(testValue('a', 'b')).toHaveLength(32);
    expect(testValue('a', 'b')).toBe(testValue('a', 'b'));
    expect(testValue('a', 'b')).not.toBe(testValue('a', 'c'));
  });
});
