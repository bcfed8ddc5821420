import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StackService } from '../../../shared';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { DeploymentRepository } from '../../../electron/engine/store/deployments';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { ReleaseRepository } from '../../../electron/engine/store/releases';

const web: StackService = {
  name: 'web',
  public: true,
  state: 'running',
  health: null,
  containerId: 'c1',
  image: 'berth/stack-web:r1',
  imageId: 'sha256:aa',
  hostPort: 41000,
  containerPort: 3000,
  restarts: 0,
  exitCode: null,
};

describe('migration 010 (compose stacks)', () => {
  it('migrates a version-9 database: existing deployments and releases are not stacks; stack services and release images round-trip', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 9);
    db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('p', 'p', 'p', '/p', 'docker', '{}', 0, 0)").run();
    db.prepare("INSERT INTO deployments (id, project_id, target, status, health, created_at, updated_at) VALUES ('d', 'p', 'docker', 'running', 'healthy', 0, 0)").run();
    db.prepare("INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at) VALUES ('r', 1, 'p', 'd', 'deploy', 'completed', 0)").run();
    db.prepare("INSERT INTO releases (id, deployment_id, run_id, image_ref, created_at) VALUES ('rel_old', 'd', 'r', 'img:1', 0)").run();
    migrate(db, MIGRATIONS, 10);
    expect(schemaVersion(db)).toBe(10);

    const deployments = new DeploymentRepository(db);
    const releases = new ReleaseRepository(db);
    expect(deployments.get('d')).not.toHaveProperty('services');
    expect(releases.get('rel_old')).not.toHaveProperty('services');

    const worker: StackService = { ...web, name: 'worker', public: false, state: 'exited', hostPort: null, containerPort: null, restarts: 2, exitCode: 137 };
    expect(deployments.update('d', { services: [web, worker] })?.services).toEqual([web, worker]);
    expect(deployments.update('d', { status: 'degraded' })?.services).toEqual([web, worker]); // other changes keep them
    expect(deployments.update('d', { services: null })).not.toHaveProperty('services');

    const services = [{ name: 'web', imageRef: 'berth/stack-web:r2', imageId: 'sha256:bb' }, { name: 'worker', imageRef: 'berth/stack-worker:r2', imageId: null }];
    const release = releases.create({ deploymentId: 'd', runId: 'r', imageRef: 'berth/stack-web:r2', services });
    expect(releases.get(release.id)?.services).toEqual(services);
  });
});
