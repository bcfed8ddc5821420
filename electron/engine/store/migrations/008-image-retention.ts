import type { Migration } from './migration';

/**
 * Image retention: `releases.image_removed_at` is set when Berth removes a release's image (only the last
 * `keepReleases` releases keep theirs, docs/product-rules.md "Retention"); such a release is not offered
 * for rollback. NULL: the image was not removed by Berth.
 */
export const migration008ImageRetention: Migration = {
  version: 8,
  name: 'image-retention',
  up(db) {
    db.exec('ALTER TABLE releases ADD COLUMN image_removed_at INTEGER;');
  },
};
