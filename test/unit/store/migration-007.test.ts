import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { AnalysisRepository } from '../../../electron/engine/store/analyses';

function planOf(db: BetterSqlite3.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

function seed(db: BetterSqlite3.Database): void {
  db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('prj_a', 'a', 'a', '/srv', 'docker', '{}', 0, 0)").run();
  db.prepare("INSERT INTO deployments (id, project_id, target, status, created_at, updated_at) VALUES ('dep_a', 'prj_a', 'docker', 'failed', 0, 0)").run();
  db.prepare("INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at) VALUES ('run_a', 1, 'prj_a', 'dep_a', 'deploy', 'failed', 0)").run();
}

describe('migration 007 (analyses)', () => {
  it('migrates a version-6 database; the endpoint is one row, its key sealed or named', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 6);
    seed(db);
    migrate(db, MIGRATIONS, 7);
    expect(schemaVersion(db)).toBe(7);
    const analyses = new AnalysisRepository(db);
    expect(analyses.endpoint()).toBeNull();
    analyses.setEndpoint({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1', apiKey: { sealed: Buffer.from([9]), env: null, hint: '…abcd' } });
    analyses.setEndpoint({ baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen', apiKey: { sealed: null, env: 'LLM_KEY', hint: '$LLM_KEY' } });
    expect(analyses.endpoint()).toEqual({ baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen', apiKey: { sealed: null, env: 'LLM_KEY', hint: '$LLM_KEY' } });
    expect(db.prepare('SELECT COUNT(*) AS n FROM analysis_endpoint').get()).toEqual({ n: 1 });
    analyses.clearEndpoint();
    expect(analyses.endpoint()).toBeNull();
  });

  it('stores the request as sent and the answer as it grows; interrupted ones fail on start; deleting the run deletes them', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 7);
    seed(db);
    const analyses = new AnalysisRepository(db);
    const created = analyses.create({ subject: 'run', runId: 'run_a', deploymentId: 'dep_a', projectId: 'prj_a', crashLineNo: null, model: 'm', requestUrl: 'http://x/v1/chat/completions', requestBody: '{"exact":"body"}', redactions: 2 });
    expect(created).toMatchObject({ status: 'streaming', answer: '', redactions: 2 });
    analyses.saveAnswer(created.id, 'partial');
    expect(analyses.detail(created.id)).toMatchObject({ answer: 'partial', request: { url: 'http://x/v1/chat/completions', body: '{"exact":"body"}', redactions: 2 } });
    expect(analyses.failInterrupted()).toBe(1);
    expect(analyses.get(created.id)).toMatchObject({ status: 'failed', answer: 'partial', error: expect.stringMatching(/Analyze again/) });
    expect(analyses.forRun('run_a').map((analysis) => analysis.id)).toEqual([created.id]);
    db.prepare("DELETE FROM runs WHERE id = 'run_a'").run();
    expect(analyses.get(created.id)).toBeUndefined();
  });

  it('lists by run and by deployment with its indexes, and finds the last crash line walking the log backwards', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 7);
    expect(planOf(db, 'SELECT * FROM analyses WHERE run_id = ? ORDER BY created_at DESC, id DESC', 'r')).toMatch(/analyses_by_run/);
    expect(planOf(db, "SELECT * FROM analyses WHERE deployment_id = ? AND subject = 'crash' ORDER BY created_at DESC, id DESC", 'd')).toMatch(/analyses_by_deployment/);
    expect(planOf(db, "SELECT line_no, ts, text FROM log_lines WHERE deployment_id = ? AND stream = ? AND text LIKE '[CRASH] exit=%' ORDER BY line_no DESC LIMIT 1", 'd', 2)).toMatch(/USING PRIMARY KEY \(deployment_id=\?\)/);
  });
});
