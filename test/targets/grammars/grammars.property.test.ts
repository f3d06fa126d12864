import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError } from '../../../src/model';
import {
  esoKeyValue,
  esoLiteralText,
  flagArgument,
  goStringLiteral,
  goTemplateText,
  hubClaimKeyLiteral,
  hubStringLiteral,
  listFlagArgument,
  oathkeeperGlobLiteral,
  oathkeeperMatchText,
  re2Literal,
  ruleLiteral,
} from '../../../src/targets/grammars';
import { readCsvRecord } from '../../support/grammars/csv-record';
import { callsOf, parseGoExpression } from '../../support/grammars/go-expression';
import { splitGoTemplate } from '../../support/grammars/go-template';
import { compileOathkeeperMatchUrl } from '../../support/grammars/oathkeeper-match';

/**
 * Every grammar function, for arbitrary and adversarial text: either the value comes back out
 * of the target grammar exactly as it went in (and the structure around it is unchanged), or
 * the function refuses it with UNSUPPORTED_BY_ENGINE naming the field — never a third outcome.
 * Seeded and bounded, so a failure reproduces and the run stays short.
 */
const at = { path: 'chart/api', field: 'path' };
const RUNS = { numRuns: 400, seed: 20261201 };

/** Strings that try to break out of a literal: quote characters, braces, delimiters, controls. */
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.string({ unit: fc.constantFrom('`', '"', "'", '\\', '{', '}', '<', '>', ',', ' ', '.', '/', '(', ')', '&', '|', '!', 'a', '\r', '\n', '\u0000', '\ud800'), maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

function refusedOrRoundTrips(render: () => void, check: () => void): void {
  let refused: unknown;
  try {
    render();
  } catch (err) {
    refused = err;
  }
  if (refused) {
    expect(refused).toBeInstanceOf(GatewrightError);
    expect((refused as GatewrightError).code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect((refused as GatewrightError).field).toBe(at.field);
    return;
  }
  check();
}

describe('grammar layer (property-based)', () => {
  it('ruleLiteral: a Traefik rule reads back as exactly one Host and one Path with the given text, or the value is refused', () => {
    fc.assert(
      fc.property(hostile, hostile, (host, path) => {
        let rule = '';
        refusedOrRoundTrips(
          () => {
            rule = `Host(${ruleLiteral(host, at)}) && PathPrefix(${ruleLiteral(path, at)})`;
          },
          () => {
            expect(callsOf(parseGoExpression(rule))).toEqual([
              { name: 'Host', args: [host] },
              { name: 'PathPrefix', args: [path] },
            ]);
          },
        );
      }),
      RUNS,
    );
  });

  it('ruleLiteral refuses the breakout from the issue (`/pub`,`/admin`) by name', () => {
    expect(() => ruleLiteral('/pub`,`/admin', at)).toThrow('[chart/api] path: contains a backquote');
  });

  it('hubStringLiteral / hubClaimKeyLiteral: a claims expression keeps one Equals term with the key and value given, or refuses', () => {
    fc.assert(
      fc.property(hostile, hostile, (claim, value) => {
        let expr = '';
        refusedOrRoundTrips(
          () => {
            expr = `Equals(${hubClaimKeyLiteral(claim, at)}, ${hubStringLiteral(value, at)})`;
          },
          () => {
            const calls = callsOf(parseGoExpression(expr));
            expect(calls).toHaveLength(1);
            // Hub's key syntax: `\.` is a literal dot, `\\` a backslash.
            const key = calls[0].args[0].replace(/\\(.)/g, '$1');
            expect({ name: calls[0].name, key, value: calls[0].args[1] }).toEqual({ name: 'Equals', key: claim, value });
          },
        );
      }),
      RUNS,
    );
  });

  it('hubStringLiteral refuses the claims injection from the issue', () => {
    expect(() => hubStringLiteral('x`) || Equals(`iss`, `anything', { path: 'chart/token', field: 'claims.tenant' })).toThrow(
      '[chart/token] claims.tenant: contains a backquote',
    );
  });

  it('re2Literal: the quoted text matches itself and nothing longer or shorter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }), (text, extra) => {
        const re = new RegExp(`^${re2Literal(text)}$`, 'u');
        expect(re.test(text)).toBe(true);
        expect(re.test(text + extra)).toBe(false);
      }),
      RUNS,
    );
  });

  it('oathkeeper literals: a match URL compiles to a pattern that matches exactly the literal, or the value is refused', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom('regexp' as const, 'glob' as const), (path, strategy) => {
        let pattern = '';
        refusedOrRoundTrips(
          () => {
            pattern =
              strategy === 'regexp'
                ? `<https?>://api.example.com${oathkeeperMatchText(path, at)}`
                : `<{http,https}>://api.example.com<{${oathkeeperGlobLiteral(path, at)}}>`;
          },
          () => {
            const re = compileOathkeeperMatchUrl(pattern, strategy);
            expect(re.test(`https://api.example.com${path}`)).toBe(true);
            expect(re.test(`https://api.example.com${path}x`)).toBe(false);
          },
        );
      }),
      RUNS,
    );
  });

  it('oathkeeper literals refuse "<" and ">" (the issue: "/ap<.>" would become a regular expression)', () => {
    expect(() => oathkeeperMatchText('/ap<.>', at)).toThrow('[chart/api] path: contains "<" or ">"');
    expect(() => oathkeeperGlobLiteral('/a<b', at)).toThrow('contains "<" or ">"');
  });

  it('goTemplateText: text around an action reads back as the same text and the same single action', () => {
    fc.assert(
      fc.property(hostile, hostile, (before, after) => {
        let template = '';
        refusedOrRoundTrips(
          () => {
            template = `${goTemplateText(before, at)}{{ env "GW_X" }}${goTemplateText(after, at)}`;
          },
          () => {
            const pieces = splitGoTemplate(template);
            const expected = [...(before ? [{ kind: 'text', text: before }] : []), { kind: 'action', source: 'env "GW_X"' }, ...(after ? [{ kind: 'text', text: after }] : [])];
            expect(pieces).toEqual(expected);
          },
        );
      }),
      RUNS,
    );
  });

  it('goTemplateText keeps "{{" from reading other synced keys (the issue: a prefix with "{{")', () => {
    const template = `${esoLiteralText('{{ index . "other" }}', at)}${'{{'} ${esoKeyValue('token', at)} }}`;
    expect(splitGoTemplate(template)).toEqual([
      { kind: 'text', text: '{{ index . "other" }}' },
      { kind: 'action', source: '(index . "token")' },
    ]);
  });

  it('goStringLiteral: reads back as the same string inside an action, or refuses an unpaired surrogate', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        let template = '';
        refusedOrRoundTrips(
          () => {
            template = `{{ ${goStringLiteral(value, at)} }}`;
          },
          () => expect(splitGoTemplate(template)).toEqual(value === '' ? [] : [{ kind: 'text', text: value }]),
        );
      }),
      RUNS,
    );
  });

  it('listFlagArgument: pflag reads one occurrence back as exactly one list element, the value given', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        let arg = '';
        refusedOrRoundTrips(
          () => {
            arg = listFlagArgument('allowed-group', value, at);
          },
          () => {
            expect(arg.startsWith('--allowed-group=')).toBe(true);
            expect(readCsvRecord(arg.slice('--allowed-group='.length))).toEqual([value]);
          },
        );
      }),
      RUNS,
    );
  });

  it('listFlagArgument: "admins,everyone" stays one group', () => {
    expect(listFlagArgument('allowed-group', 'admins,everyone', at)).toBe('--allowed-group="admins,everyone"');
  });

  it('flagArgument: the value after the first "=" is the value given, or an unprintable value is refused', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        let arg = '';
        refusedOrRoundTrips(
          () => {
            arg = flagArgument('redirect-url', value, at);
          },
          () => expect(arg.slice(arg.indexOf('=') + 1)).toBe(value),
        );
      }),
      RUNS,
    );
  });
});
