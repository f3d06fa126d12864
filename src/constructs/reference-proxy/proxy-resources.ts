/** CPU and memory for the proxy container, in Kubernetes quantity syntax. */
export interface ProxyResourceQuantities {
  /**
   * CPU, e.g. `'250m'`.
   * @default - see {@link ProxyResources}
   */
  readonly cpu?: string;
  /**
   * Memory, e.g. `'256Mi'`.
   * @default - see {@link ProxyResources}
   */
  readonly memory?: string;
}

/** Requests and limits of the proxy container. */
export interface ProxyResources {
  /**
   * What the scheduler reserves.
   * @default { cpu: '100m', memory: '128Mi' }
   */
  readonly requests?: ProxyResourceQuantities;
  /**
   * Hard caps. No CPU limit by default: CFS throttling adds tail latency to every request
   * a throttled proxy holds, while a memory cap bounds a leak.
   * @default { memory: '256Mi' }
   */
  readonly limits?: ProxyResourceQuantities;
}
