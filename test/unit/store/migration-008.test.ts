import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { ProjectRepository } from '../../../electron/engine/store/projects';
import { ReleaseRepository } from '../../../electron/engine/store/releases';

const SETTINGS = JSON.stringify({ env: [], memoryLimitMb: 1536, restartPolicy: 'unless-stopped', keepCrashedContainers: false, verifyTimeoutMs: 60000, muteNotifications: false });

describe('migration 008 (image retention)', () => {
  it('migrates a version-7 database: releases keep their images (none marked removed), projects have no keepReleases (the default applies)', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 7);
    db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('prj_old', 'old', 'old', '/srv', 'docker', ?, 0, 0)").run(SETTINGS);
    db.prepare("INSERT INTO deployments (id, project_id, target, status, health, created_at, updated_at) VALUES ('dep_old', 'prj_old', 'docker', 'running', 'healthy', 0, 0)").run();
    db.prepare("INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at) VALUES ('run_old', 1, 'prj_old', 'dep_old', 'deploy', 'completed', 0)").run();
    db.prepare("INSERT INTO releases (id, deployment_id, run_id, image_ref, image_id, created_at) VALUES ('rel_old', 'dep_old', 'run_old', 'berth/old:run_old', 'sha256:1', 0)").run();
    migrate(db, MIGRATIONS, 8);
    expect(schemaVersion(db)).toBe(8);
    const releases = new ReleaseRepository(db);
    expect(releases.get('rel_old')).toMatchObject({ id: 'rel_old', imageRef: 'berth/old:run_old' });
    expect(releases.get('rel_old')).not.toHaveProperty('imageRemoved');
    releases.markImageRemoved('rel_old', 5);
    expect(releases.get('rel_old')?.imageRemoved).toBe(true);
    expect(new ProjectRepository(db).get('prj_old')!.settings.keepReleases).toBeUndefined();
  });
});
