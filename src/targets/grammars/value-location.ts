import { ErrorCode, GatewrightError } from '../../model';

/** Where a user value comes from, so a refusal names the construct and the prop as written. */
export interface ValueLocation {
  /** Construct path of the declaration (`chart/orders`). */
  readonly path: string;
  /** The prop as the user wrote it (`path`, `claims.tenant`, `upstreamAuth.header(Authorization).prefix`). */
  readonly field: string;
}

/**
 * The refusal every grammar function throws: the value cannot be written in the target grammar
 * without changing its structure. The value itself is never quoted (it may be a secret).
 */
export function unrepresentable(at: ValueLocation, grammar: string, problem: string, fix: string): GatewrightError {
  return new GatewrightError({
    code: ErrorCode.UNSUPPORTED_BY_ENGINE,
    path: at.path,
    field: at.field,
    problem: `${problem}, which ${grammar} cannot carry as literal text`,
    fix,
  });
}

/** A lone UTF-16 surrogate has no UTF-8 encoding: no manifest, config file or header can hold it. */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** C0 controls and DEL: never part of a host, path, header value or claim an engine compares. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
