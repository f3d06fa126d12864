/**
 * Stable error codes. Callers (and tests) branch on `code`, never on message text.
 */
export enum ErrorCode {
  /** A prop failed validation against the model. */
  INVALID_PROPS = 'ERR_GW_INVALID_PROPS',
  /** Two routes on one gateway claim the same host and path. */
  DUPLICATE_ROUTE = 'ERR_GW_DUPLICATE_ROUTE',
  /** The chosen engine cannot express what the route asks for. */
  UNSUPPORTED_BY_ENGINE = 'ERR_GW_UNSUPPORTED_BY_ENGINE',
  /** A credential would end up as plaintext in a manifest. */
  PLAINTEXT_SECRET = 'ERR_GW_PLAINTEXT_SECRET',
  /** Two declarations disagree about the same generated object. */
  CONFLICT = 'ERR_GW_CONFLICT',
  /** Two generated objects would be the same Kubernetes object (kind, namespace, name). */
  NAME_COLLISION = 'ERR_GW_NAME_COLLISION',
  /** A reference points into another namespace without the cross-namespace form that makes it resolve. */
  CROSS_NAMESPACE = 'ERR_GW_CROSS_NAMESPACE',
  /** An endpoint that hands out credentials would be reachable from outside its only client. */
  EXPOSURE = 'ERR_GW_EXPOSURE',
}

/** What a {@link GatewrightError} is about. */
export interface GatewrightErrorDetails {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Construct path (`chart/echo`) or config location the error is about. */
  readonly path?: string;
  /** The offending field, dotted (`clientAuth.jwksUrl`). */
  readonly field?: string;
  /** What is wrong, one sentence. */
  readonly problem: string;
  /** What to do about it, one sentence. */
  readonly fix?: string;
}

/**
 * The one error type gatewright throws for bad input. Its message reads
 * `[path] field: problem. Fix: fix` so a user sees where, what and how in one line.
 * Messages never contain secret values: they name fields, not contents.
 */
export class GatewrightError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Construct path or config location the error is about. */
  readonly path?: string;
  /** The offending field, dotted. */
  readonly field?: string;
  /** What is wrong. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix?: string;

  constructor(details: GatewrightErrorDetails) {
    super(GatewrightError.format(details));
    this.name = 'GatewrightError';
    this.code = details.code;
    this.path = details.path;
    this.field = details.field;
    this.problem = details.problem;
    this.fix = details.fix;
  }

  private static format(d: GatewrightErrorDetails): string {
    const where = d.path ? `[${d.path}] ` : '';
    const field = d.field ? `${d.field}: ` : '';
    if (!d.fix) return `${where}${field}${d.problem}`;
    const problem = /[.!?]$/.test(d.problem) ? d.problem : `${d.problem}.`;
    return `${where}${field}${problem} Fix: ${d.fix}`;
  }
}
