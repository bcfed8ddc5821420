import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { LogLineRepository } from '../../../electron/engine/store/log-lines';

describe('migration 003 (line number floor)', () => {
  it('migrates a version-2 database with lines, and the floor lifts lastLineNo above what is stored', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 2);
    db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, text) VALUES ('d', 5, 0, 0, 1, 'kept')").run();
    migrate(db, MIGRATIONS, 3);
    expect(schemaVersion(db)).toBe(3);
    // Today's repository reads columns later versions add (009: level).
    migrate(db, MIGRATIONS);
    const lines = new LogLineRepository(db);
    expect(lines.lastLineNo('d')).toBe(5);
    db.prepare("INSERT INTO log_line_floors (deployment_id, last_line_no) VALUES ('d', 40)").run();
    expect(lines.lastLineNo('d')).toBe(40);
    expect(lines.lastLineNo('other')).toBe(0);
  });

  it('looks the floor up by its primary key', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 3);
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT last_line_no FROM log_line_floors WHERE deployment_id = ?').all('d') as { detail: string }[]).map((row) => row.detail).join();
    expect(plan).toMatch(/SEARCH log_line_floors USING PRIMARY KEY \(deployment_id=\?\)/);
  });
});
