import type { Migration } from './migration';

/**
 * `log_search_blocks.has_nul`: whether a line of the block holds a NUL character (1) or none does (0); NULL for
 * blocks written before this version, which are not known. SQLite's LIKE and GLOB read text only up to its first
 * NUL, so filter mode (logs/log-filter.ts) prefilters with them, which finds a literal faster than `instr`,
 * only in blocks known to have none. The log writer keeps the flag with the block's trigram bits; a block
 * continued after this migration stays unknown.
 */
export const migration013SearchBlockNul: Migration = {
  version: 13,
  name: 'search-block-nul',
  up(db) {
    db.exec('ALTER TABLE log_search_blocks ADD COLUMN has_nul INTEGER;');
  },
};
