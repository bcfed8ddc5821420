import type { Migration } from './migration';

/**
 * Log pipeline, part 2:
 * - `log_lines.raw`: the exact bytes of a line whose text could not hold them (invalid UTF-8), so
 *   hostile content stays byte-faithful; NULL for every other line.
 * - `log_search_blocks`: the full-history search index (logs/search-index.ts), one trigram bitset
 *   per block of 4096 lines, written by the log writer in the same transaction as the lines.
 */
export const migration002LogSearch: Migration = {
  version: 2,
  name: 'log-search',
  up(db) {
    db.exec(`
      ALTER TABLE log_lines ADD COLUMN raw BLOB;

      CREATE TABLE log_search_blocks (
        deployment_id TEXT NOT NULL,
        block_no INTEGER NOT NULL,
        bits BLOB NOT NULL,
        PRIMARY KEY (deployment_id, block_no)
      ) WITHOUT ROWID;
    `);
  },
};
