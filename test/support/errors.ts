import { GatewrightError } from '../../src/model';

/**
 * Runs `fn` and returns the GatewrightError it throws. Anything else thrown is re-thrown, and
 * throwing nothing fails the test: a bad-input test can never pass by accident.
 */
export function catchError(fn: () => unknown): GatewrightError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewrightError) return err;
    throw err;
  }
  throw new Error('expected a GatewrightError, nothing was thrown');
}
