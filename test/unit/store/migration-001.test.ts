import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';

function planOf(db: BetterSqlite3.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

describe('migration 001 (initial)', () => {
  const db = new BetterSqlite3(':memory:');
  afterEach(() => undefined);

  it('creates every table of the data model and records version 1', () => {
    migrate(db, MIGRATIONS, 1);
    expect(schemaVersion(db)).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['projects', 'deployments', 'releases', 'runs', 'steps', 'log_lines', 'metrics', 'health_probes', 'engine_state']));
  });

  it('pages log lines by (deployment_id, line_no) primary key', () => {
    expect(planOf(db, 'SELECT * FROM log_lines WHERE deployment_id = ? AND line_no > ? ORDER BY line_no LIMIT 500', 'd', 0)).toMatch(/SEARCH log_lines USING PRIMARY KEY \(deployment_id=\? AND line_no>\?\)/);
  });

  it('jumps to a time with the (deployment_id, ts) index', () => {
    expect(planOf(db, 'SELECT line_no FROM log_lines WHERE deployment_id = ? AND ts >= ? ORDER BY ts LIMIT 1', 'd', 0)).toMatch(/log_lines_by_time/);
  });

  it('reads metrics and health probes of a time range through their keys', () => {
    expect(planOf(db, 'SELECT * FROM metrics WHERE deployment_id = ? AND sampled_at BETWEEN ? AND ?', 'd', 0, 1)).toMatch(/SEARCH metrics USING PRIMARY KEY/);
    expect(planOf(db, 'SELECT * FROM health_probes WHERE deployment_id = ? AND probed_at BETWEEN ? AND ?', 'd', 0, 1)).toMatch(/health_probes_by_time/);
  });

  it('lists runs of a project newest first through runs_by_project', () => {
    expect(planOf(db, 'SELECT * FROM runs WHERE project_id = ? ORDER BY seq DESC LIMIT 10', 'p')).toMatch(/runs_by_project/);
  });

  it('enforces foreign keys from deployments to projects', () => {
    db.pragma('foreign_keys = ON');
    expect(() => db.prepare("INSERT INTO deployments (id, project_id, target, status, created_at, updated_at) VALUES ('d', 'missing', 'docker', 'pending', 0, 0)").run()).toThrow(/FOREIGN KEY/);
  });
});
