import type { BackendModel } from '../../model';

/** Where a SecuredApi sends requests. */
export interface IBackend {
  /** @internal */
  _toBackendModel(): BackendModel;
}
