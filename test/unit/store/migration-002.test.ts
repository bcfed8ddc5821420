import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';

function planOf(db: BetterSqlite3.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

describe('migration 002 (log search)', () => {
  it('migrates a version-1 database that already holds lines, keeping them', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 1);
    db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, text) VALUES ('d', 1, 0, 0, 1, 'old line')").run();
    migrate(db, MIGRATIONS, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT text, raw FROM log_lines').get()).toEqual({ text: 'old line', raw: null });
  });

  it('stores raw bytes next to the text and search bitsets per block', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 2);
    const raw = Buffer.from([0xff, 0x00, 0xfe]);
    db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, text, raw) VALUES ('d', 1, 0, 0, 1, ?, ?)").run('\uFFFD\u0000\uFFFD', raw);
    expect(db.prepare('SELECT text, raw FROM log_lines').get()).toEqual({ text: '\uFFFD\u0000\uFFFD', raw });
    db.prepare("INSERT INTO log_search_blocks (deployment_id, block_no, bits) VALUES ('d', 0, ?)").run(Buffer.alloc(8));
    expect(() => db.prepare("INSERT INTO log_search_blocks (deployment_id, block_no, bits) VALUES ('d', 0, ?)").run(Buffer.alloc(8))).toThrow(/UNIQUE|PRIMARY/);
  });

  it('reads a deployment’s search blocks in order through their primary key', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 2);
    expect(planOf(db, 'SELECT block_no, bits FROM log_search_blocks WHERE deployment_id = ? ORDER BY block_no', 'd')).toMatch(
      /SEARCH log_search_blocks USING PRIMARY KEY \(deployment_id=\?\)/,
    );
    expect(planOf(db, 'SELECT block_no, bits FROM log_search_blocks WHERE deployment_id = ? ORDER BY block_no', 'd')).not.toMatch(/TEMP B-TREE/);
    expect(planOf(db, 'SELECT line_no, text FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no', 'd', 1, 4096)).toMatch(
      /SEARCH log_lines USING PRIMARY KEY \(deployment_id=\? AND line_no>\? AND line_no<\?\)/,
    );
  });
});
