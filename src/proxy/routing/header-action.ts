/** What happens to one caller header on its way upstream. */
export enum HeaderAction {
  /** Removed (the request transformation's removals, hop-by-hop headers). */
  REMOVE = 1,
  /** Removed, and the request refused (400) when it appears twice: the caller's credential, `Host`. */
  REMOVE_UNIQUE = 2,
}
