import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ScanRecord } from '../../../shared';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { DeploymentRepository } from '../../../electron/engine/store/deployments';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { ProjectRepository } from '../../../electron/engine/store/projects';
import { RunRepository } from '../../../electron/engine/store/runs';

const SETTINGS_BEFORE_SCANS = JSON.stringify({ port: 8080, healthPath: '/health', env: [], memoryLimitMb: 1536, restartPolicy: 'unless-stopped', keepCrashedContainers: false, verifyTimeoutMs: 60000, muteNotifications: false });

function seedVersion4(db: BetterSqlite3.Database): void {
  db.prepare("INSERT INTO projects (id, name, slug, source_dir, target, settings_json, created_at, updated_at) VALUES ('prj_old', 'old', 'old', '/srv', 'docker', ?, 0, 0)").run(SETTINGS_BEFORE_SCANS);
  db.prepare("INSERT INTO deployments (id, project_id, target, status, health, created_at, updated_at) VALUES ('dep_old', 'prj_old', 'docker', 'running', 'healthy', 0, 0)").run();
  db.prepare("INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at) VALUES ('run_old', 1, 'prj_old', 'dep_old', 'deploy', 'completed', 0)").run();
}

const scan: ScanRecord = {
  sourceDir: '/srv/app',
  shape: 'server',
  runtime: { name: 'node', version: '20', packageManager: 'npm' },
  dependencyFiles: ['package.json', 'package-lock.json'],
  installCommand: 'npm ci --omit=dev',
  buildCommand: null,
  startCommand: 'npm start',
  outputDir: null,
  port: 8080,
  healthPath: '/healthz',
  dockerfile: null,
  composeFile: null,
  image: null,
  skippedDirectories: [{ path: 'node_modules', reason: 'dependencies' }],
  decisions: [{ topic: 'start', value: 'npm start', evidence: '`package.json` scripts.start = `node server.js`', source: 'detected' }],
  refusal: null,
  buildVerification: { status: 'failed', logExcerpt: 'npm ERR! code E404' },
};

describe('migration 005 (zero-config)', () => {
  it('migrates a version-4 database: runs have no scan, deployments no health check, projects keep the port and health path they stored', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 4);
    seedVersion4(db);
    migrate(db, MIGRATIONS, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(new RunRepository(db).get('run_old')).toMatchObject({ id: 'run_old', status: 'completed', scan: null });
    expect(new DeploymentRepository(db).get('dep_old')).toMatchObject({ id: 'dep_old', status: 'running', healthCheck: null });
    expect(new ProjectRepository(db).get('prj_old')!.settings).toMatchObject({ port: 8080, healthPath: '/health' });
  });

  it('stores a run’s scan record as it is, and clears it with null', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 5);
    seedVersion4(db);
    const runs = new RunRepository(db);
    runs.update('run_old', { scan });
    expect(runs.get('run_old')!.scan).toEqual(scan);
    expect(runs.getDetail('run_old')!.scan).toEqual(scan);
    expect(runs.listForProject('prj_old')[0]!.scan).toEqual(scan);
    runs.update('run_old', { status: 'failed' });
    expect(runs.get('run_old')!.scan).toEqual(scan);
    runs.update('run_old', { scan: null });
    expect(runs.get('run_old')!.scan).toBeNull();
  });

  it('reads a stored scan it cannot parse (a later version’s) as none, without failing the run', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 5);
    seedVersion4(db);
    db.prepare("UPDATE runs SET scan_json = ? WHERE id = 'run_old'").run(JSON.stringify({ shape: 'something-new' }));
    expect(new RunRepository(db).get('run_old')).toMatchObject({ status: 'completed', scan: null });
  });

  it('stores a deployment’s health check, leaves it alone on other changes, and clears it with null', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 5);
    seedVersion4(db);
    const deployments = new DeploymentRepository(db);
    expect(deployments.update('dep_old', { healthCheck: { path: '/', rule: 'any_below_500' } })!.healthCheck).toEqual({ path: '/', rule: 'any_below_500' });
    expect(deployments.update('dep_old', { status: 'stopped', hostPort: null })!.healthCheck).toEqual({ path: '/', rule: 'any_below_500' });
    expect(deployments.update('dep_old', { healthCheck: { path: '/healthz', rule: 'status_2xx_3xx' } })!.healthCheck).toEqual({ path: '/healthz', rule: 'status_2xx_3xx' });
    expect(deployments.update('dep_old', { healthCheck: null })!.healthCheck).toBeNull();
  });

  it('refuses a health-check rule it does not know', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 5);
    seedVersion4(db);
    expect(() => db.prepare("UPDATE deployments SET health_check_path = '/', health_check_rule = 'any' WHERE id = 'dep_old'").run()).toThrow(/CHECK constraint/);
  });
});
