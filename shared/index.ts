export * from './vocabulary';
export * from './schemas';
export * from './sse-decoder';
export * from './result';
export * from './contract';
export type * from './api';
export * from './scan';
export * from './effective-settings';
export * from './log-trim';
