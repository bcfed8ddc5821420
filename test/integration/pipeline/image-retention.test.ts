// Image retention on the real engine (docs/product-rules.md, "Retention"): a project redeployed more often
// than keepReleases keeps only the images of its last releases, and a rollback to the oldest kept one works.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../shared';
import { makeTempDir } from '../../support/temp-dir';
import { docker, httpText, startTestEngine, writeApp, type TestEngine } from './support';

describe('docker pipeline: image retention', () => {
  let test: TestEngine;
  const temps: { cleanup(): void }[] = [];
  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));
  afterAll(async () => {
    await test?.close(); // removes every berth/<slug> image the test's projects made
  });

  /** The project's images on the engine: Berth's tags, and the labelled images (dangling ones included). */
  const projectImages = async (slug: string, projectId: string) => {
    const tagged = await docker.listImages({ filters: { reference: [`berth/${slug}`] } });
    const labelled = await docker.listImages({ filters: { label: [`berth.project=${projectId}`] } });
    return {
      tags: tagged.flatMap((image) => image.RepoTags ?? []).sort(),
      ids: [...new Set([...tagged, ...labelled].map((image) => image.Id))].sort(),
    };
  };

  it('after 8 redeploys exactly the last 5 release images remain; a rollback to the oldest kept one deploys and serves; pruned releases cannot be rolled back to', async () => {
    const temp = makeTempDir('pipeline-retention-');
    temps.push(temp);
    const project = test.project('retention', {}, temp.dir);
    const markers: string[] = [];
    const started = Date.now();
    for (let deploy = 0; deploy < 8; deploy++) {
      // A new marker per deploy busts the layer cache: every release has its own image.
      markers.push(`r${deploy}-${randomBytes(4).toString('hex')}`);
      writeApp(temp.dir, { marker: markers[deploy]! });
      const run = await test.waitForRun((await test.engine.controller.deploy(project)).run.id);
      expect(run.status, `deploy ${deploy}`).toBe('completed');
    }
    const deployMs = Date.now() - started;

    const deployment = test.engine.store.deployments.forProjectTarget(project.id, 'docker')!;
    const releases = test.engine.store.releases.listForDeployment(deployment.id); // newest first
    expect(releases).toHaveLength(8);
    const kept = releases.slice(0, 5);
    const pruned = releases.slice(5);
    expect(new Set(releases.map((release) => release.imageId)).size).toBe(8);

    const images = await projectImages(project.slug, project.id);
    expect(images.tags).toEqual(kept.map((release) => release.imageRef).sort());
    expect(images.ids).toEqual(kept.map((release) => release.imageId).sort());
    for (const release of pruned) expect(release.imageRemoved).toBe(true);
    for (const release of kept) expect(release.imageRemoved).toBeUndefined();
    // Berth no longer labels the images it builds (retention finds them by their run tags): no berth.* label on
    // the image, and no LABEL step after the Dockerfile's in the build output.
    const labels = (await docker.getImage(kept[0]!.imageRef).inspect()).Config.Labels ?? {};
    expect(Object.keys(labels).filter((key) => key.startsWith('berth.'))).toEqual([]);
    test.engine.logs.flush();
    const buildLines = test.engine.store.logLines.since(deployment.id, 0, 10_000).filter((line) => line.step === 'build').map((line) => line.text);
    expect(buildLines.filter((text) => /^Step \d+\/\d+ : RUN /.test(text)).length).toBeGreaterThanOrEqual(8);
    expect(buildLines.filter((text) => /^Step \d+\/\d+ : LABEL/.test(text))).toEqual([]);
    const retentionLines = test.engine.store.logLines.since(deployment.id, 0, 10_000).filter((line) => line.text.startsWith('[RETENTION]'));
    expect(retentionLines.length).toBeGreaterThanOrEqual(3);
    expect(retentionLines.every((line) => line.stream === 'system' && line.text.startsWith('[RETENTION] removed 1 image beyond the last 5 releases'))).toBe(true);

    // A pruned release is refused before a run starts, with a clear message.
    await expect(test.engine.controller.rollback(project, pruned[0]!.id)).rejects.toThrow(/was removed by image retention/);
    // The automatic choice (no release named) is the newest earlier release that still has its image.
    expect(test.engine.store.releases.previous(deployment.id)?.id).toBe(kept[1]!.id);

    // Rollback to the oldest kept release: it deploys and serves its own version.
    const oldest = kept[4]!;
    const rollbackStarted = Date.now();
    const rollback = await test.waitForRun((await test.engine.controller.rollback(project, oldest.id)).id);
    const rollbackMs = Date.now() - rollbackStarted;
    expect(rollback.status).toBe('completed');
    const live = test.engine.store.deployments.get(deployment.id)!;
    expect(live.currentReleaseId).toBe(oldest.id);
    expect(await httpText(`http://127.0.0.1:${live.hostPort}/version`)).toBe(markers[3]);

    // A redeploy now keeps the last 5 plus the older release that was serving (6 images); the one after drops it.
    writeApp(temp.dir, { marker: `r8-${randomBytes(4).toString('hex')}` });
    expect((await test.waitForRun((await test.engine.controller.deploy(project)).run.id)).status).toBe('completed');
    const afterNinth = test.engine.store.releases.listForDeployment(deployment.id);
    expect((await projectImages(project.slug, project.id)).tags).toEqual([...afterNinth.slice(0, 5), oldest].map((release) => release.imageRef).sort());
    writeApp(temp.dir, { marker: `r9-${randomBytes(4).toString('hex')}` });
    expect((await test.waitForRun((await test.engine.controller.deploy(project)).run.id)).status).toBe('completed');
    const afterTenth = test.engine.store.releases.listForDeployment(deployment.id);
    await expect.poll(async () => (await projectImages(project.slug, project.id)).tags, { timeout: 15_000 }).toEqual(afterTenth.slice(0, 5).map((release) => release.imageRef).sort());
    console.log(`image retention: 8 deploys ${deployMs} ms, rollback ${rollbackMs} ms`);
  }, 240_000);

  it('keepReleases is honoured, and redeploys of unchanged sources (one image, several tags) lose only the dropped tags', async () => {
    const project = test.project('healthy', { keepReleases: 2 });
    for (let deploy = 0; deploy < 4; deploy++) {
      expect((await test.waitForRun((await test.engine.controller.deploy(project)).run.id)).status).toBe('completed');
    }
    const releases = test.engine.store.releases.listForDeployment(test.engine.store.deployments.forProjectTarget(project.id, 'docker')!.id);
    expect(new Set(releases.map((release) => release.imageId)).size).toBe(1); // the layer cache: one image
    const images = await projectImages(project.slug, project.id);
    expect(images.ids).toEqual([releases[0]!.imageId]);
    expect(images.tags).toEqual(releases.slice(0, 2).map((release) => release.imageRef).sort());
    // The image of the dropped releases is still there (by id): they stay rollback candidates.
    expect(releases.every((release) => release.imageRemoved === undefined)).toBe(true);
    const rollback = await test.waitForRun((await test.engine.controller.rollback(project, releases[3]!.id)).id);
    expect(rollback.status).toBe('completed');
  }, 120_000);

  it("a failed run's image goes at the next successful deploy, unless a container uses it; then it goes once that container is gone", async () => {
    const temp = makeTempDir('pipeline-retention-failed-');
    temps.push(temp);
    const project = test.project('retention-failed', { keepReleases: 2, verifyTimeoutMs: 2000 }, temp.dir);
    const deploy = async (options: { healthy: boolean }) => {
      writeApp(temp.dir, { marker: randomBytes(4).toString('hex'), healthy: options.healthy });
      return test.waitForRun((await test.engine.controller.deploy(project)).run.id);
    };
    const tagOf = (runId: string): string => `berth/${project.slug}:${runId}`;
    const tags = async (): Promise<string[]> => (await projectImages(project.slug, project.id)).tags;
    const first = await deploy({ healthy: true });
    expect(first.status).toBe('completed');
    // Two runs whose build succeeded and whose verify failed (no /health): each leaves a tagged image and no release.
    const failed = [await deploy({ healthy: false }), await deploy({ healthy: false })];
    for (const run of failed) {
      expect(run.failure).toMatchObject({ stage: 'verify', code: 'DEPLOYMENT_VERIFICATION_FAILED' });
      expect(run.releaseId).toBeFalsy();
    }
    const [lost, held] = failed.map((run) => tagOf(run.id)) as [string, string];
    expect(await tags()).toEqual([lost, held, first.imageRef!].sort());
    // A container (not Berth's) runs the second failed run's image.
    const user = await docker.createContainer({ Image: held, Cmd: ['sleep', '600'], Labels: { 'berth.retention-test': project.id } });
    let third: RunDetail;
    try {
      await user.start();
      const heldId = (await docker.getImage(held).inspect()).Id;
      const second = await deploy({ healthy: true });
      expect(second.status).toBe('completed');
      // The first failed run's image is gone; the used one stays, tag and all; both releases are kept (keepReleases 2).
      expect(await tags()).toEqual([held, first.imageRef!, second.imageRef!].sort());
      third = await deploy({ healthy: true });
      expect(third.status).toBe('completed');
      expect(await tags()).toEqual([held, second.imageRef!, third.imageRef!].sort());
      expect((await docker.getImage(heldId).inspect()).Id).toBe(heldId);
      expect((await user.inspect()).State.Running).toBe(true);
    } finally {
      await user.remove({ force: true });
    }
    // With the container gone, the next deploy removes the image.
    const fourth = await deploy({ healthy: true });
    expect(fourth.status).toBe('completed');
    expect(await tags()).toEqual([third.imageRef!, fourth.imageRef!].sort());
  }, 240_000);

  it('dangling images labelled with the project go at the next deploy; a dangling image Berth did not label stays', async () => {
    const project = test.project('healthy');
    const marker = randomBytes(4).toString('hex');
    const temp = makeTempDir('pipeline-dangling-');
    temps.push(temp);
    // Building the same tag twice leaves the first image dangling (<none>), as a moved tag does.
    const buildTwice = async (tag: string, labels: Record<string, string>): Promise<string> => {
      const ids: string[] = [];
      for (const round of [1, 2]) {
        writeFileSync(join(temp.dir, 'Dockerfile'), `FROM berth-test/busybox:1\nRUN echo ${marker}-${tag.length}-${round} > /m\n`);
        const stream = await docker.buildImage({ context: temp.dir, src: ['Dockerfile'] }, { t: tag, labels, rm: true, forcerm: true });
        await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
        ids.push((await docker.getImage(tag).inspect()).Id);
      }
      return ids[0]!;
    };
    const ours = await buildTwice(`berth/${project.slug}:leftover`, { 'berth.managed': 'true', 'berth.project': project.id });
    const foreignTag = `berth-retention-test/${marker}:x`;
    const foreign = await buildTwice(foreignTag, { 'berth.retention-test': marker });
    try {
      expect((await docker.getImage(ours).inspect()).RepoTags ?? []).toEqual([]);
      expect((await test.waitForRun((await test.engine.controller.deploy(project)).run.id)).status).toBe('completed');
      await expect(docker.getImage(ours).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await docker.getImage(foreign).inspect()).Id).toBe(foreign);
    } finally {
      // Left behind only when the check failed: the dangling image has no tag for close() to find.
      await docker.getImage(ours).remove({ force: true }).catch(() => undefined);
      await docker.getImage(foreign).remove({ force: true }).catch(() => undefined);
      await docker.getImage(foreignTag).remove({ force: true }).catch(() => undefined);
    }
  }, 120_000);
});
