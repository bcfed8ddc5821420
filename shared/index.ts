export * from './vocabulary';
export * from './schemas';
export * from './alerts';
export * from './analysis';
export * from './sse-decoder';
export * from './result';
export * from './contract';
export type * from './api';
export * from './scan';
