import { describe, expect, it } from 'vitest';
import { apiRouteSchema, isDnsLabel } from '../../../src/model';
import { proxySecretMounts, secretVolumeName } from '../../../src/targets/proxy/secret-mounts';

const route = (name: string, keys: Array<[string, string]>) =>
  apiRouteSchema.parse({
    name,
    path: `test/${name}`,
    host: 'api.example.com',
    pathPrefix: `/${name}`,
    clientAuth: { kind: 'apiKey', keys: keys.map(([secretName, key]) => ({ secretName, key })) },
    backend: { kind: 'service', serviceName: 'b', port: 80, scheme: 'http' },
  });

describe('proxySecretMounts', () => {
  it('groups keys per Secret, each once, sorted, under <secretsDir>/<secret>', () => {
    const mounts = proxySecretMounts(
      [route('a', [['keys', 'z'], ['keys', 'a']]), route('b', [['keys', 'a'], ['other', 'k']])],
      '/var/run/secrets/gatewright/',
    );
    expect(mounts).toEqual([
      { secretName: 'keys', volumeName: 'secret-keys', mountPath: '/var/run/secrets/gatewright/keys', keys: ['a', 'z'] },
      { secretName: 'other', volumeName: 'secret-other', mountPath: '/var/run/secrets/gatewright/other', keys: ['k'] },
    ]);
  });

  it('mounts nothing for routes without secrets', () => {
    expect(proxySecretMounts([route('a', [['k', 'v']])].map((r) => ({ ...r, clientAuth: { kind: 'none' as const } })), '/s')).toEqual([]);
  });
});

describe('secretVolumeName', () => {
  it('turns a dotted Secret name into a DNS label', () => {
    expect(secretVolumeName('partner.keys')).toBe('secret-partner-keys');
  });

  it('keeps long names within 63 characters and distinct', () => {
    const long = `${'a'.repeat(60)}.one`;
    const other = `${'a'.repeat(60)}.two`;
    expect(secretVolumeName(long)).toHaveLength(63);
    expect(isDnsLabel(secretVolumeName(long))).toBe(true);
    expect(secretVolumeName(long)).not.toBe(secretVolumeName(other));
  });
});
