import type { Migration } from './migration';

/**
 * Version 5 belongs to the zero-config deploys (issue 12), written on another branch at the same time as
 * alerts (006, 007). This stands in for it so the registry stays gap-free on this branch; the merge replaces
 * it with the real one. It changes nothing.
 */
export const migration005Reserved: Migration = {
  version: 5,
  name: 'reserved',
  up() {
    // Nothing: see above.
  },
};
