import type { Migration } from './migration';

/**
 * `log_line_floors`: the highest lineNo a deployment ever had, recorded by retention before it
 * deletes lines. Without it, a deployment whose lines all expired would hand out lineNo 1 again
 * after a restart, and every `since=<lineNo>` cursor held by a client would point at the wrong lines.
 */
export const migration003LineNumberFloor: Migration = {
  version: 3,
  name: 'line-number-floor',
  up(db) {
    db.exec(`
      CREATE TABLE log_line_floors (
        deployment_id TEXT PRIMARY KEY,
        last_line_no INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
