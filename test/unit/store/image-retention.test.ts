// Image retention's decisions (electron/engine/targets/docker/image-retention.ts) and what the store and the
// settings say about it; the removal itself is tested on the real engine (test/integration/pipeline/image-retention.test.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEEP_RELEASES, projectPatchSchema, projectSettingsSchema, type Release } from '../../../shared';
import { Store } from '../../../electron/engine/store/store';
import { planRetention, runImageTagOf } from '../../../electron/engine/targets/docker/image-retention';

const release = (n: number, extra: Partial<Release> = {}): Release => ({
  id: `rel_${n}`,
  deploymentId: 'dep',
  runId: `run_${n}`,
  imageRef: `berth/app:run_${n}`,
  imageId: `sha256:${n}`,
  taskDefinitionArn: null,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  current: false,
  ...extra,
});
/** Newest first, as the store lists them. */
const releases = (count: number): Release[] => Array.from({ length: count }, (_, index) => release(count - 1 - index));
const ids = (list: readonly Release[]): string[] => list.map((item) => item.id);

describe('planRetention', () => {
  it('keeps the newest keep-1 stored releases (the run’s new image is the keep-th) and drops the rest', () => {
    const plan = planRetention(releases(7), 5, 'rel_6', 'berth/app:');
    expect(ids(plan.kept)).toEqual(['rel_6', 'rel_5', 'rel_4', 'rel_3']);
    expect(ids(plan.pruned)).toEqual(['rel_2', 'rel_1', 'rel_0']);
  });

  it('keeps the release that was serving even when it is older (after a rollback)', () => {
    const plan = planRetention(releases(7), 3, 'rel_1', 'berth/app:');
    expect(ids(plan.kept)).toEqual(['rel_6', 'rel_5', 'rel_1']);
    expect(ids(plan.pruned)).toEqual(['rel_4', 'rel_3', 'rel_2', 'rel_0']);
  });

  it('never drops a prebuilt image or another project’s tag, nor a release already marked', () => {
    const list = [release(3), release(2, { imageRef: 'nginx:1.27' }), release(1, { imageRef: 'berth/app-two:run_1' }), release(0, { imageRemoved: true })];
    expect(ids(planRetention(list, 1, null, 'berth/app:').pruned)).toEqual(['rel_3']);
  });

  it('keep=1 keeps only the new image (and the serving one)', () => {
    const plan = planRetention(releases(3), 1, 'rel_2', 'berth/app:');
    expect(ids(plan.kept)).toEqual(['rel_2']);
    expect(ids(plan.pruned)).toEqual(['rel_1', 'rel_0']);
  });
});

describe('keepReleases setting', () => {
  it('is optional (default 5) and validated: a whole number from 1 to 100', () => {
    expect(DEFAULT_KEEP_RELEASES).toBe(5);
    expect(projectSettingsSchema.parse({}).keepReleases).toBeUndefined();
    expect(projectSettingsSchema.parse({ keepReleases: 1 }).keepReleases).toBe(1);
    expect(projectSettingsSchema.parse({ keepReleases: 100 }).keepReleases).toBe(100);
    for (const bad of [0, -1, 101, 2.5, '5', null]) expect(projectSettingsSchema.safeParse({ keepReleases: bad }).success, String(bad)).toBe(false);
    expect(projectPatchSchema.safeParse({ settings: { keepReleases: 10 } }).success).toBe(true);
    expect(projectPatchSchema.safeParse({ settings: { keepReleases: 0 } }).success).toBe(false);
  });
});

describe('releases whose image retention removed', () => {
  it('are marked in the store and skipped by the automatic rollback choice', () => {
    const store = Store.open(':memory:');
    const project = store.projects.create({ name: 'p', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    const created = [0, 1, 2, 3].map((n) => {
      const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['build'] });
      return store.releases.create({ deploymentId: deployment.id, runId: run.id, imageRef: `berth/p:${run.id}`, imageId: `sha256:${n}` }, 1_000 + n);
    });
    store.deployments.update(deployment.id, { currentReleaseId: created[3]!.id });
    expect(store.releases.previous(deployment.id)?.id).toBe(created[2]!.id);
    store.releases.markImageRemoved(created[2]!.id);
    store.releases.markImageRemoved(created[0]!.id);
    expect(store.releases.get(created[2]!.id)?.imageRemoved).toBe(true);
    expect(store.releases.get(created[1]!.id)).not.toHaveProperty('imageRemoved');
    expect(store.releases.previous(deployment.id)?.id).toBe(created[1]!.id);
    expect(store.releases.listForDeployment(deployment.id).filter((listed) => listed.imageRemoved).map((listed) => listed.id)).toEqual([created[2]!.id, created[0]!.id]);
    store.close();
  });
});

describe('the run tags retention looks for', () => {
  it("are every run of the deployment (and only its), each as the tag the run's build gives its image", () => {
    const store = Store.open(':memory:');
    const project = store.projects.create({ name: 'p', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    const other = store.deployments.create(project.id, 'ecs');
    const newRun = (deploymentId: string) => store.runs.create({ projectId: project.id, deploymentId, kind: 'deploy', steps: ['build'] }).id;
    const ours = [newRun(deployment.id), newRun(deployment.id)];
    newRun(other.id);
    ours.push(newRun(deployment.id));
    expect(store.runs.idsForDeployment(deployment.id)).toEqual(ours);
    expect(runImageTagOf(project.slug, ours[0]!)).toBe(`berth/${project.slug}:${ours[0]}`);
    expect(runImageTagOf('app', 'run_AB-c.d_e')).toBe('berth/app:run_-c.d_e');
    store.close();
  });
});
