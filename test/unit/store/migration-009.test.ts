import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { LogLineRepository } from '../../../electron/engine/store/log-lines';
import { LogSearch } from '../../../electron/engine/logs/search';

const plan = (db: BetterSqlite3.Database, sql: string, ...parameters: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail).join('; ');

describe('migration 009 (log levels)', () => {
  it('migrates a version-8 database with lines: they keep a NULL level, read as detected from their text and counted as unknown', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 8);
    const insert = db.prepare('INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, text) VALUES (?, ?, 0, ?, ?, ?, ?)');
    insert.run('d', 1, 1, 1, null, 'ERROR:root:old failure'); // stderr, runtime
    insert.run('d', 2, 0, 1, null, 'listening on :3000');
    insert.run('d', 3, 2, 1, null, '[CRASH] exit=137 oom=true'); // system
    insert.run('d', 4, 0, 0, 'run_1', 'WARN deprecated');
    migrate(db, MIGRATIONS, 9);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT COUNT(*) AS n FROM log_lines WHERE level IS NULL').get()).toEqual({ n: 4 });

    const lines = new LogLineRepository(db);
    expect(lines.since('d', 0, 10).map((line) => line.level)).toEqual(['error', 'unknown', 'error', 'warn']);
    expect(lines.tail('d', 10).map((line) => line.level)).toEqual(['error', 'unknown', 'error', 'warn']);
    expect(new LogSearch(db).search('d', { query: 'old', regex: false, caseSensitive: false, limit: 10 }).hits.map((hit) => hit.level)).toEqual(['error']);
    expect(lines.levelCounts('d', 'runtime')).toEqual({ trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 3 });

    // A line stored now carries its level.
    lines.insertMany([{ deploymentId: 'd', lineNo: 5, ts: 0, stream: 'stderr', source: 'runtime', runId: null, step: null, text: 'FATAL out of memory', cut: false }]);
    expect(db.prepare('SELECT level FROM log_lines WHERE line_no = 5').get()).toEqual({ level: 5 });
    expect(lines.levelCounts('d', 'runtime')).toMatchObject({ fatal: 1, unknown: 3 });
    expect(lines.levelCounts('d', 'deploy', 'run_1')).toMatchObject({ unknown: 1 });
  });

  it('counts levels of a runtime or of one run over the covering index, never the lines', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 9);
    expect(plan(db, 'SELECT level, COUNT(*) FROM log_lines WHERE deployment_id = ? AND source = ? GROUP BY level', 'd', 1)).toBe(
      'SEARCH log_lines USING COVERING INDEX log_lines_by_level (deployment_id=? AND source=?)',
    );
    expect(plan(db, 'SELECT level, COUNT(*) FROM log_lines WHERE deployment_id = ? AND source = ? AND run_id = ? GROUP BY level', 'd', 0, 'run_1')).toMatch(
      /^SEARCH log_lines USING COVERING INDEX log_lines_by_level \(deployment_id=\? AND source=\?\)$/,
    );
  });
});
