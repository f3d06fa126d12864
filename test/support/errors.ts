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

/**
 * Runs `fn` (a synth) and returns the messages of cdk8s's "Validation failed" error, one per
 * problem, each `[construct path] ...` as gatewright wrote it. Throwing nothing, or anything
 * else, fails the test.
 */
export function synthValidationMessages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!message.startsWith('Validation failed')) throw err;
    // cdk8s writes one line per problem, `  [<validating construct>] <message>`; keep the message.
    return message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().replace(/^\[[^\]]*\] /, ''))
      .filter((l) => l.length > 0);
  }
  throw new Error('expected synth validation to fail, it passed');
}
