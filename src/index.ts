export * from './model';
export * from './constructs';
export * from './report';
