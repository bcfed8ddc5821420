import type { Migration } from './migration';

/**
 * `log_line_slices`: the search index's line slices (store/search-index.ts), built for a full search block by
 * logs/line-slice-indexer.ts, one row per slice: bit l of `lines` is set when line l of the block has a
 * trigram in that slice. Filter mode reads the slices its literal needs and then only the lines in all of
 * them. `log_search_blocks.sliced` is 1 once a block has them; the partial index lists the blocks without,
 * so finding work is cheap however many blocks are done. Blocks without slices (not full yet, written before
 * this version, or whose slices an eviction marker dropped) are read line by line as before.
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
      ALTER TABLE log_search_blocks ADD COLUMN sliced INTEGER;
      CREATE INDEX log_search_blocks_unsliced ON log_search_blocks (deployment_id, block_no) WHERE sliced IS NULL;
    `);
  },
};
