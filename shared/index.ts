export * from './vocabulary';
export * from './schemas';
export * from './result';
export * from './contract';
export type * from './api';
export * from './scan';
