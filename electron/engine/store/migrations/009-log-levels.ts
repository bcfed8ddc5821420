import type { Migration } from './migration';

/**
 * Log levels (docs/product-rules.md "Log levels"):
 * - `log_lines.level`: the line's level as its index in LOG_LEVELS (shared/vocabulary.ts), detected by the log
 *   writer when the line is stored (logs/log-level.ts). NULL for lines stored before this version: they are not
 *   backfilled (rewriting millions of rows would hold up the engine's start); a read detects their level from the
 *   text, and the level counts count them as `unknown`.
 * - `log_lines_by_level`: the level counts of a run or of a deployment's runtime lines are a GROUP BY over this
 *   covering index, never over the lines themselves.
 */
export const migration009LogLevels: Migration = {
  version: 9,
  name: 'log-levels',
  up(db) {
    db.exec(`
      ALTER TABLE log_lines ADD COLUMN level INTEGER;
      CREATE INDEX log_lines_by_level ON log_lines (deployment_id, source, level, run_id);
    `);
  },
};
