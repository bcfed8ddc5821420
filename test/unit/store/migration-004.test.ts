import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { SecretRepository } from '../../../electron/engine/store/secrets';

function planOf(db: BetterSqlite3.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

function insertProject(db: BetterSqlite3.Database, id: string): void {
  db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES (?, ?, ?, '/srv', 'ecs', '{}', 0, 0)").run(id, id, id);
}

describe('migration 004 (secrets)', () => {
  it('migrates a version-3 database with projects, keeping them; a project starts with no keys', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 3);
    insertProject(db, 'prj_old');
    migrate(db, MIGRATIONS, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT id FROM projects').all()).toEqual([{ id: 'prj_old' }]);
    expect(new SecretRepository(db).awsCredentials('prj_old')).toBeUndefined();
  });

  it('keeps one sealed blob and its hint per project, byte for byte, and replaces it on a second store', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 4);
    insertProject(db, 'prj_a');
    const secrets = new SecretRepository(db);
    const sealed = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    secrets.setAwsCredentials('prj_a', sealed, 'AKIA…WXYZ', 1000);
    expect(secrets.awsCredentials('prj_a')).toEqual({ projectId: 'prj_a', sealed, accessKeyIdHint: 'AKIA…WXYZ', storedAt: 1000 });
    secrets.setAwsCredentials('prj_a', Buffer.from([1]), 'ASIA…0000', 2000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM aws_credentials').get()).toEqual({ n: 1 });
    expect(secrets.awsCredentialHints()).toEqual(new Map([['prj_a', 'ASIA…0000']]));
    expect(secrets.clearAwsCredentials('prj_a')).toBe(true);
    expect(secrets.clearAwsCredentials('prj_a')).toBe(false);
  });

  it('refuses keys for a project that does not exist, and deleting a project deletes its keys', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 4);
    const secrets = new SecretRepository(db);
    expect(() => secrets.setAwsCredentials('prj_missing', Buffer.from([1]), 'AKIA…WXYZ')).toThrow(/FOREIGN KEY/);
    insertProject(db, 'prj_gone');
    insertProject(db, 'prj_kept');
    secrets.setAwsCredentials('prj_gone', Buffer.from([1]), 'AKIA…GONE');
    secrets.setAwsCredentials('prj_kept', Buffer.from([2]), 'AKIA…KEPT');
    db.prepare("DELETE FROM projects WHERE id = 'prj_gone'").run();
    expect(secrets.awsCredentials('prj_gone')).toBeUndefined();
    expect(secrets.awsCredentials('prj_kept')?.accessKeyIdHint).toBe('AKIA…KEPT');
  });

  it('looks a project’s keys up by the primary key', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 4);
    expect(planOf(db, 'SELECT * FROM aws_credentials WHERE project_id = ?', 'p')).toMatch(/SEARCH aws_credentials USING PRIMARY KEY \(project_id=\?\)/);
  });
});
