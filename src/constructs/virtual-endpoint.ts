import { Construct } from 'constructs';
import { z } from 'zod';
import { parseOrThrow, urlPath, type RewriteModel } from '../model';
import { keysOf, rejectUnknownProps } from './props/check-props';

/** Props of {@link VirtualEndpoint}. */
export interface VirtualEndpointProps {
  /** The clean public path, e.g. `/echo`. Sub-paths are matched too: `/echo/x`. */
  readonly path: string;
  /**
   * The backend path it stands for, e.g. `/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0`.
   * `/echo/x` is sent as `<target>/x`.
   */
  readonly target: string;
}

const propsSchema = z.object({ path: urlPath, target: urlPath });

const VIRTUAL_ENDPOINT_PROPS = keysOf<VirtualEndpointProps>()(['path', 'target']);

/**
 * A "virtual endpoint": a short public path that the gateway rewrites to a long backend
 * path with an anchored regex, so `/echoes` or `/echo/../admin` can never reach anything
 * but the target subtree.
 */
export class VirtualEndpoint extends Construct {
  /** The public path. */
  readonly path: string;
  /** The backend path. */
  readonly target: string;

  constructor(scope: Construct, id: string, props: VirtualEndpointProps) {
    super(scope, id);
    rejectUnknownProps(props, VIRTUAL_ENDPOINT_PROPS, this.node.path, 'VirtualEndpoint');
    const p = parseOrThrow(propsSchema, props, this.node.path);
    this.path = p.path;
    this.target = p.target;
  }

  /** @internal */
  _toRewriteModel(): RewriteModel {
    return this.path === this.target ? { kind: 'none' } : { kind: 'replacePrefix', from: this.path, to: this.target };
  }
}
