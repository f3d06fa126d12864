import { describe, expect, it } from 'vitest';
import { LabelSelectorError, matchesLabels, parseLabelSelector } from '../../conformance/kubernetes/label-selector';

describe('label selectors of the API stand-in', () => {
  it("reads Traefik's Secret selector `owner!=helm`, which also holds when the label is absent", () => {
    const r = parseLabelSelector('owner!=helm');
    expect(r).toEqual([{ op: 'notin', key: 'owner', values: ['helm'] }]);
    expect(matchesLabels(r, {})).toBe(true);
    expect(matchesLabels(r, { owner: 'gatewright' })).toBe(true);
    expect(matchesLabels(r, { owner: 'helm' })).toBe(false);
  });

  it('combines equality, set and existence requirements, all of which must hold', () => {
    const r = parseLabelSelector('app=web,tier in (a, b),!legacy,team');
    expect(matchesLabels(r, { app: 'web', tier: 'b', team: 'x' })).toBe(true);
    expect(matchesLabels(r, { app: 'web', tier: 'c', team: 'x' })).toBe(false);
    expect(matchesLabels(r, { app: 'web', tier: 'a', team: 'x', legacy: 'y' })).toBe(false);
    expect(matchesLabels(r, { app: 'web', tier: 'a' })).toBe(false);
  });

  it('an empty selector selects everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(matchesLabels([], { any: 'thing' })).toBe(true);
  });

  it('refuses what the API server would answer 400 to', () => {
    expect(() => parseLabelSelector('a in (b')).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector('a = = b')).toThrow('cannot parse requirement "a = = b"');
  });
});
