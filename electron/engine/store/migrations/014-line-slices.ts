import type { Migration } from './migration';

/**
 * `log_line_slices`: the search index's line slices (store/search-index.ts), written by the log writer when a
 * search block is full, one row per slice: bit l of `lines` is set when line l of the block has a trigram in
 * that slice. Filter mode reads the slices its literal needs and then only the lines in all of them. Blocks
 * without slices (not full yet, or written before this version) are read line by line as before.
 */
export const migration014LineSlices: Migration = {
  version: 14,
  name: 'line-slices',
  up(db) {
    db.exec(`
      CREATE TABLE log_line_slices (
        deployment_id TEXT NOT NULL,
        block_no INTEGER NOT NULL,
        slice_no INTEGER NOT NULL,
        lines BLOB NOT NULL,
        PRIMARY KEY (deployment_id, block_no, slice_no)
      ) WITHOUT ROWID;
    `);
  },
};
