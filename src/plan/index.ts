export * from './request-transformation';
