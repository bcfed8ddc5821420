import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { ProjectRepository } from '../../../electron/engine/store/projects';

const SETTINGS = JSON.stringify({ env: [], memoryLimitMb: 1536, restartPolicy: 'unless-stopped', keepCrashedContainers: false, verifyTimeoutMs: 60000, muteNotifications: false });

describe('migration 012 (the s3 target)', () => {
  it('lets projects.target be s3 and keeps every row, deployments and runs included (no cascade)', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 11);
    db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('prj_old', 'old', 'old', '/srv', 'docker', ?, 0, 0)").run(SETTINGS);
    db.prepare("INSERT INTO deployments (id, project_id, target, status, health, created_at, updated_at) VALUES ('dep_old', 'prj_old', 'docker', 'running', 'healthy', 0, 0)").run();
    db.prepare("INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at) VALUES ('run_old', 1, 'prj_old', 'dep_old', 'deploy', 'completed', 0)").run();
    const insertS3 = (): unknown => db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('prj_s3', 's3', 's3', '/srv', 's3', ?, 0, 0)").run(SETTINGS);
    expect(insertS3).toThrow(/CHECK constraint failed/);

    migrate(db, MIGRATIONS, 12);
    expect(schemaVersion(db)).toBe(12);
    insertS3();
    expect(new ProjectRepository(db).get('prj_s3')!.target).toBe('s3');
    expect(db.prepare('SELECT count(*) AS n FROM deployments').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    expect(() => db.prepare("UPDATE projects SET target = 'nope' WHERE id = 'prj_old'").run()).toThrow(/CHECK constraint failed/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Defensive mode is back on: the schema cannot be written by later statements.
    expect(() => db.prepare("UPDATE sqlite_master SET sql = sql WHERE name = 'projects'").run()).toThrow();
  });
});
