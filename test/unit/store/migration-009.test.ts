import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { LogLineRepository, type StoredLine } from '../../../electron/engine/store/log-lines';
import { applyRetention, DEFAULT_RETENTION } from '../../../electron/engine/store/retention';
import { LogSearch } from '../../../electron/engine/logs/search';
import { levelCountsDrift } from '../../support/level-counts';

const none = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };
const DAY = 86_400_000;

const plan = (db: BetterSqlite3.Database, sql: string, ...parameters: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail).join('; ');

describe('migration 009 (log levels)', () => {
  it('migrates a version-8 database with lines: they keep a NULL level, read as detected from their text, counted once as unknown', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 8);
    const insert = db.prepare('INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, text) VALUES (?, ?, 0, ?, ?, ?, ?)');
    insert.run('d', 1, 1, 1, null, 'ERROR:root:old failure'); // stderr, runtime
    insert.run('d', 2, 0, 1, null, 'listening on :3000');
    insert.run('d', 3, 2, 1, null, '[CRASH] exit=137 oom=true'); // system
    insert.run('d', 4, 0, 0, 'run_1', 'WARN deprecated');
    insert.run('e', 1, 0, 1, 'run_2', 'INFO other deployment');
    migrate(db, MIGRATIONS, 9);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT COUNT(*) AS n FROM log_lines WHERE level IS NULL').get()).toEqual({ n: 5 });
    migrate(db, MIGRATIONS); // the repositories below are today's: they read (and write) the newest schema

    const lines = new LogLineRepository(db);
    expect(lines.since('d', 0, 10).map((line) => line.level)).toEqual(['error', 'unknown', 'error', 'warn']);
    expect(lines.tail('d', 10).map((line) => line.level)).toEqual(['error', 'unknown', 'error', 'warn']);
    expect(new LogSearch(db).search('d', { query: 'old', regex: false, caseSensitive: false, limit: 10 }).hits.map((hit) => hit.level)).toEqual(['error']);
    expect(lines.levelCounts('d', 'runtime')).toEqual({ ...none, unknown: 3 });
    expect(lines.levelCounts('d', 'deploy', 'run_1')).toEqual({ ...none, unknown: 1 });
    expect(lines.levelCounts('e', 'runtime')).toEqual({ ...none, unknown: 1 });
    expect(levelCountsDrift(db)).toEqual([]);

    // A line stored now carries its level and is counted by it.
    lines.insertMany([{ deploymentId: 'd', lineNo: 5, ts: 0, stream: 'stderr', source: 'runtime', runId: null, step: null, text: 'FATAL out of memory', cut: false }]);
    expect(db.prepare('SELECT level FROM log_lines WHERE line_no = 5').get()).toEqual({ level: 5 });
    expect(lines.levelCounts('d', 'runtime')).toEqual({ ...none, fatal: 1, unknown: 3 });
    expect(levelCountsDrift(db)).toEqual([]);
  });

  it('keeps the counts equal to the lines through batches of many deployments, runs and levels, and through retention', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS); // version 9's counts, kept by today's writer
    const lines = new LogLineRepository(db);
    const now = Date.now();
    const texts = ['INFO ok', 'WARN slow', 'ERROR boom', 'plain text', '{"level":10}'];
    const batch: StoredLine[] = [];
    for (let lineNo = 1; lineNo <= 1000; lineNo++) {
      for (const deploymentId of ['a', 'b']) {
        const source = lineNo % 7 === 0 ? 'deploy' : 'runtime';
        batch.push({
          deploymentId,
          lineNo,
          ts: now - (lineNo <= 300 ? 40 * DAY : 0),
          stream: lineNo % 11 === 0 ? 'system' : 'stdout',
          source,
          runId: source === 'deploy' ? `run_${lineNo % 3}` : lineNo % 2 === 0 ? null : 'run_live',
          step: null,
          text: texts[Math.floor(lineNo / 3) % texts.length]!,
          cut: false,
        });
      }
    }
    lines.insertMany(batch.slice(0, 999));
    lines.insertMany(batch.slice(999));
    expect(levelCountsDrift(db)).toEqual([]);
    // Neighbours that differ in one of run, source or level only.
    const neighbours: [runId: string, source: StoredLine['source'], text: string][] = [
      ['run_a', 'deploy', 'INFO x'],
      ['run_b', 'deploy', 'INFO x'],
      ['run_b', 'runtime', 'INFO x'],
      ['run_b', 'runtime', 'WARN x'],
    ];
    lines.insertMany(
      neighbours.flatMap(([runId, source, text], group) =>
        [1, 2, 3].map((offset): StoredLine => ({ deploymentId: 'c', lineNo: group * 3 + offset, ts: now, stream: 'stdout', source, runId, step: null, text, cut: false })),
      ),
    );
    expect(lines.levelCounts('c', 'deploy', 'run_a')).toEqual({ ...none, info: 3 });
    expect(lines.levelCounts('c', 'deploy', 'run_b')).toEqual({ ...none, info: 3 });
    expect(lines.levelCounts('c', 'runtime')).toEqual({ ...none, info: 3, warn: 3 });
    expect(levelCountsDrift(db)).toEqual([]);
    const runtime = lines.levelCounts('a', 'runtime');
    expect(Object.values(runtime).reduce((sum, count) => sum + count, 0)).toBe(1000 - Math.floor(1000 / 7));
    expect(runtime.error).toBeGreaterThan(0);

    // Retention deletes the old lines; the trigger takes them off the counts.
    const removed = applyRetention(db, { ...DEFAULT_RETENTION, runtimeLineDays: 30, systemLineDays: 30, deployLineDays: 30 }, now);
    expect(removed.runtimeLines + removed.systemLines + removed.deployLines).toBeGreaterThan(0);
    expect(levelCountsDrift(db)).toEqual([]);
  });

  it('reads the counts by the primary key of log_level_counts, never the lines', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 9);
    expect(plan(db, 'SELECT level, SUM(lines) FROM log_level_counts WHERE deployment_id = ? AND source = ? GROUP BY level', 'd', 1)).toMatch(
      /^SEARCH log_level_counts USING PRIMARY KEY \(deployment_id=\? AND source=\?\)/,
    );
    expect(plan(db, 'SELECT level, SUM(lines) FROM log_level_counts WHERE deployment_id = ? AND source = ? AND run_id = ? GROUP BY level', 'd', 0, 'run_1')).toMatch(
      /^SEARCH log_level_counts USING PRIMARY KEY \(deployment_id=\? AND source=\? AND run_id=\?\)/,
    );
  });
});
