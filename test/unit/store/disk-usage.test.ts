import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { berthImagesBySlug, projectImageUsage } from '../../../electron/engine/docker/images';
import { databaseFileUsage, logUsageByProject } from '../../../electron/engine/store/disk-usage';
import type { StoredLine } from '../../../electron/engine/store/log-lines';
import { Store } from '../../../electron/engine/store/store';
import { makeTempDir } from '../../support/temp-dir';

const settings = { port: 1, healthPath: '/h', env: [], memoryLimitMb: 64, restartPolicy: 'no' as const, keepCrashedContainers: false, verifyTimeoutMs: 1000, muteNotifications: false };

function line(deploymentId: string, lineNo: number, text: string): StoredLine {
  return { deploymentId, lineNo, ts: lineNo, stream: 'stdout', source: 'runtime', runId: null, step: null, text, cut: false };
}

describe('disk usage', () => {
  const temps: { cleanup(): void }[] = [];
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));

  it('counts the database file, its WAL, and each project’s stored lines and their UTF-8 bytes, on a real SQLite file', () => {
    const temp = makeTempDir('berth-disk-');
    temps.push(temp);
    const file = join(temp.dir, 'berth.sqlite');
    const store = Store.open(file);
    const api = store.projects.create({ name: 'api', sourceDir: '/tmp', target: 'docker', settings });
    const web = store.projects.create({ name: 'web', sourceDir: '/tmp', target: 'docker', settings });
    const idle = store.projects.create({ name: 'idle', sourceDir: '/tmp', target: 'docker', settings });
    // Two deployments of one project (Docker and ECS) add up; 'é' is two bytes in UTF-8.
    const first = store.deployments.create(api.id, 'docker');
    const second = store.deployments.create(api.id, 'ecs');
    const webDeployment = store.deployments.create(web.id, 'docker');
    store.logLines.insertMany([line(first.id, 1, 'hello'), line(first.id, 2, 'café'), line(second.id, 1, 'x'.repeat(100))]);
    store.logLines.insertMany(Array.from({ length: 1000 }, (_, i) => line(webDeployment.id, i + 1, 'y'.repeat(50))));

    const usage = logUsageByProject(store.db);
    expect(usage).toEqual([
      { projectId: web.id, name: 'web', slug: web.slug, logLines: 1000, logBytes: 50_000 },
      { projectId: api.id, name: 'api', slug: api.slug, logLines: 3, logBytes: 5 + 5 + 100 },
      { projectId: idle.id, name: 'idle', slug: idle.slug, logLines: 0, logBytes: 0 },
    ]);

    const files = databaseFileUsage(store.db);
    expect(files.path).toBe(file);
    expect(files.fileBytes).toBe(statSync(file).size);
    expect(files.walBytes).toBe(statSync(`${file}-wal`).size);
    expect(files.walBytes).toBeGreaterThan(0);
    // The pages in use are at least the text stored, and no more than the file and its WAL together hold.
    expect(files.usedBytes).toBeGreaterThan(50_000);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const checkpointed = databaseFileUsage(store.db);
    expect(checkpointed.walBytes).toBe(0);
    expect(checkpointed.fileBytes).toBeGreaterThanOrEqual(checkpointed.usedBytes);
    store.close();
  });

  it('groups Docker’s images by the berth/<slug> tag, each image once per project, ignoring other tags', () => {
    const bySlug = berthImagesBySlug([
      { Id: 'sha256:a', RepoTags: ['berth/api:run_1', 'berth/api:run_2'], Size: 100 },
      { Id: 'sha256:b', RepoTags: ['berth/api:run_3'], Size: 50 },
      { Id: 'sha256:c', RepoTags: ['berth/web:run_4', '123.dkr.ecr.local/web:run_4'], Size: 7 },
      { Id: 'sha256:d', RepoTags: ['node:20-slim'], Size: 1000 },
      { Id: 'sha256:e', RepoTags: null, Size: 3 },
    ]);
    expect(Object.fromEntries(bySlug)).toEqual({ api: { count: 2, bytes: 150 }, web: { count: 1, bytes: 7 } });
  });

  it("counts a Compose stack's service images (berth/<slug>-<service>) with its project, not another project's", () => {
    const bySlug = berthImagesBySlug([
      { Id: 'sha256:w', RepoTags: ['berth/shop-web:run_1', 'berth/shop-web:live'], Size: 40 },
      { Id: 'sha256:k', RepoTags: ['berth/shop-worker:run_1'], Size: 30 },
      { Id: 'sha256:o', RepoTags: ['berth/shop-admin:run_9'], Size: 500 },
      { Id: 'sha256:s', RepoTags: ['berth/shop:run_0'], Size: 5 },
    ]);
    expect(projectImageUsage(bySlug, 'shop', ['web', 'worker', 'redis'])).toEqual({ count: 3, bytes: 75 });
    // Without stack services only its own builds: `shop-admin` may be another project's slug.
    expect(projectImageUsage(bySlug, 'shop', [])).toEqual({ count: 1, bytes: 5 });
    expect(projectImageUsage(bySlug, 'Shop Site', ['Web'])).toEqual({ count: 0, bytes: 0 });
  });
});
