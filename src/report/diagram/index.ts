export * from './topology-graph';
export * from './mermaid';
export * from './dot';
