import type { Migration } from './migration';

/**
 * Log levels (docs/product-rules.md "Log levels"):
 * - `log_lines.level`: the line's level as its index in LOG_LEVELS (shared/vocabulary.ts), detected by the log
 *   writer when the line is stored (logs/log-level.ts). NULL for lines stored before this version: they are not
 *   backfilled (rewriting millions of rows would hold up the engine's start); a read detects their level from the
 *   text.
 * - `log_level_counts`: lines per (deployment, source, run, level), so the counts a viewer asks for cost a few rows,
 *   not a read of millions of lines. The log writer adds each batch's counts in the batch's transaction; the
 *   trigger takes deleted lines (retention, the log budget) off. `run_id` is '' for lines without a run. Lines
 *   already stored are counted once here, as unknown (6, LOG_LEVELS' `unknown`, written out because a migration
 *   never changes after it ships): one read of each row, no rewrite.
 */
export const migration009LogLevels: Migration = {
  version: 9,
  name: 'log-levels',
  up(db) {
    db.exec(`
      ALTER TABLE log_lines ADD COLUMN level INTEGER;

      CREATE TABLE log_level_counts (
        deployment_id TEXT NOT NULL,
        source INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        level INTEGER NOT NULL,
        lines INTEGER NOT NULL,
        PRIMARY KEY (deployment_id, source, run_id, level)
      ) WITHOUT ROWID;

      INSERT INTO log_level_counts (deployment_id, source, run_id, level, lines)
        SELECT deployment_id, source, COALESCE(run_id, ''), 6, COUNT(*) FROM log_lines GROUP BY deployment_id, source, COALESCE(run_id, '');

      CREATE TRIGGER log_lines_uncounted AFTER DELETE ON log_lines BEGIN
        UPDATE log_level_counts SET lines = lines - 1
          WHERE deployment_id = OLD.deployment_id AND source = OLD.source AND run_id = COALESCE(OLD.run_id, '') AND level = COALESCE(OLD.level, 6);
      END;
    `);
  },
};
