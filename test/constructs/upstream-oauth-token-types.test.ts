import { describe, expect, it } from 'vitest';
import { ErrorCode, SecretRef, UpstreamOAuth } from '../../src';
import { catchError } from '../support/errors';
import { testChart } from '../support/synth';

/** `UpstreamOAuth.acceptedTokenTypes` reaches the model, which refuses an empty list. */
describe('UpstreamOAuth acceptedTokenTypes', () => {
  const props = { tokenUrl: 'https://idp.example.com/token', clientId: SecretRef.fromSecret('c', 'id'), clientSecret: SecretRef.fromSecret('c', 's') };

  it('defaults to Bearer only, and passes a list through', () => {
    const models = (o: UpstreamOAuth) => o._toUpstreamModels('test');
    expect(models(new UpstreamOAuth(testChart(), 'a', props))[0]).toMatchObject({ acceptedTokenTypes: ['Bearer'] });
    expect(models(new UpstreamOAuth(testChart(), 'b', { ...props, acceptedTokenTypes: ['Bearer', 'N_A'] }))[0]).toMatchObject({ acceptedTokenTypes: ['Bearer', 'N_A'] });
  });

  it('refuses an empty list, naming the field', () => {
    const err = catchError(() => new UpstreamOAuth(testChart(), 'c', { ...props, acceptedTokenTypes: [] }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain('acceptedTokenTypes');
  });
});
