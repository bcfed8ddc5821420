import type { Migration } from './migration';

/**
 * Compose stacks (docs/product-rules.md, "Compose stacks"):
 * - `deployments.services_json`: a stack's services (shared StackService[], JSON), NULL for a single-container or
 *   ECS deployment. A handful of services, read with the row and rewritten whole when one changes.
 * - `releases.services_json`: each built service's image in a stack's release (ReleaseService[], JSON), NULL
 *   otherwise; rollback restores them all.
 */
export const migration010ComposeStacks: Migration = {
  version: 10,
  name: 'compose-stacks',
  up(db) {
    db.exec(`
      ALTER TABLE deployments ADD COLUMN services_json TEXT;
      ALTER TABLE releases ADD COLUMN services_json TEXT;
    `);
  },
};
