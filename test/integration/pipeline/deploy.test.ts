import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { httpStatus, labelledContainers, startTestEngine, stepStatuses, type TestEngine } from './support';

describe('docker pipeline: deploy', () => {
  let test: TestEngine;
  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterAll(async () => {
    await test?.close();
  });

  it('deploys the healthy fixture: every step success, /health answers through the published port', async () => {
    const project = test.project('healthy', { env: [{ name: 'GREETING', value: 'hi' }, { name: 'API_TOKEN', value: 'pipeline-secret-value-42', secret: true }] });
    const { run, deployment } = await test.engine.controller.deploy(project);
    expect(run.kind).toBe('deploy');
    expect(run.steps.map((step) => step.name)).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'done']);
    const finished = await test.waitForRun(run.id);
    expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
    expect(stepStatuses(finished)).toEqual({ detect: 'success', build: 'success', setup: 'success', deploy: 'success', verify: 'success', done: 'success' });
    for (const step of finished.steps) {
      expect(step.durationMs).not.toBeNull();
      expect(step.firstLineNo).not.toBeNull();
      expect(step.lastLineNo).toBeGreaterThanOrEqual(step.firstLineNo!);
    }

    const live = test.engine.store.deployments.get(deployment.id)!;
    expect(live.status).toBe('running');
    expect(live.hostPort).toBeGreaterThan(0);
    expect(live.currentReleaseId).toBe(finished.releaseId);
    expect(await httpStatus(`http://127.0.0.1:${live.hostPort}/health`)).toBe(200);

    const container = await test.engine.docker.getContainer(live.containerId!).inspect();
    expect(container.Name).toBe(`/berth-${deployment.id}`);
    expect(container.Config.Labels).toMatchObject({ 'berth.managed': 'true', 'berth.deployment': deployment.id, 'berth.project': project.id });
    expect(container.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(container.HostConfig.Memory).toBe(1536 * 1024 * 1024);
    expect(container.HostConfig.PortBindings?.['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(live.hostPort) }]);
    expect(container.Config.Env).toContain('API_TOKEN=pipeline-secret-value-42');

    const release = test.engine.store.releases.get(finished.releaseId!)!;
    expect(release.imageId).toMatch(/^sha256:/);
    expect(release.imageId).toBe(container.Image);

    // Every step wrote lines; the secret value never reached the log.
    test.engine.logs.flush();
    const lines = test.engine.store.logLines.since(deployment.id, 0, 5000);
    expect(lines.some((line) => line.step === 'build' && line.text.includes('Step 1/'))).toBe(true);
    expect(lines.some((line) => line.text.includes('API_TOKEN=••••••'))).toBe(true);
    expect(lines.some((line) => line.text.includes('pipeline-secret-value-42'))).toBe(false);

    // A second deploy while none is active is a redeploy with its own run.
    expect((await labelledContainers(deployment.id)).length).toBe(1);
  });

  it('refuses a second deploy of the same deployment while a run is active', async () => {
    const project = test.project('slow-start');
    const { run } = await test.engine.controller.deploy(project);
    await expect(test.engine.controller.deploy(project)).rejects.toMatchObject({ code: 'CONFLICT' });
    const finished = await test.waitForRun(run.id);
    expect(finished.status).toBe('completed');
  });

  it('builds from the project directory honouring .dockerignore', async () => {
    const app = makeTempDir('pipeline-dockerignore-');
    try {
      mkdirSync(join(app.dir, 'www'));
      mkdirSync(join(app.dir, 'private'));
      writeFileSync(join(app.dir, 'www', 'health'), 'ok\n');
      writeFileSync(join(app.dir, 'kept.txt'), `${randomBytes(4).toString('hex')}\n`);
      writeFileSync(join(app.dir, 'ignored.txt'), 'must not reach the image\n');
      writeFileSync(join(app.dir, 'private', 'key'), 'secret\n');
      writeFileSync(join(app.dir, '.dockerignore'), 'ignored.txt\nprivate\n');
      writeFileSync(
        join(app.dir, 'Dockerfile'),
        'FROM berth-test/busybox:1\nCOPY . /www/\nRUN cp /www/www/health /www/health\nCMD ["sh", "-c", "trap \'exit 0\' TERM; httpd -f -p 8080 -h /www & wait"]\n',
      );
      const finished = await test.waitForRun((await test.engine.controller.deploy(test.project('dockerignore', {}, app.dir))).run.id);
      expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
      const port = test.engine.store.deployments.get(finished.deploymentId)!.hostPort;
      expect(await httpStatus(`http://127.0.0.1:${port}/kept.txt`)).toBe(200);
      expect(await httpStatus(`http://127.0.0.1:${port}/ignored.txt`)).toBe(404);
      expect(await httpStatus(`http://127.0.0.1:${port}/private/key`)).toBe(404);
    } finally {
      app.cleanup();
    }
  });

  it('deploys a prebuilt image named in settings.image, and fails clearly when the engine lacks it', async () => {
    const built = await test.waitForRun((await test.engine.controller.deploy(test.project('healthy'))).run.id);
    const image = test.engine.store.releases.get(built.releaseId!)!.imageRef;
    const empty = makeTempDir('pipeline-prebuilt-');
    try {
      const finished = await test.waitForRun((await test.engine.controller.deploy(test.project('prebuilt', { image }, empty.dir))).run.id);
      expect(finished.status, JSON.stringify(finished.failure)).toBe('completed');
      expect(test.engine.store.releases.get(finished.releaseId!)!.imageRef).toBe(image);
      test.engine.logs.flush();
      const lines = test.engine.store.logLines.since(finished.deploymentId, 0, 1000).map((line) => line.text);
      expect(lines).toContain(`shape: prebuilt_image (settings.image = ${image})`);

      const missing = await test.waitForRun((await test.engine.controller.deploy(test.project('prebuilt-missing', { image: 'pipeline-no-such-image:1' }, empty.dir))).run.id);
      expect(missing.failure).toMatchObject({ stage: 'build', code: 'DOCKER_IMAGE_BUILD_FAILED' });
      expect(missing.failure!.evidence.line).toContain('pipeline-no-such-image:1');

      // Docker resolves any prefix of an image ID; a few characters must not deploy whichever image they start.
      const imageId = test.engine.store.releases.get(built.releaseId!)!.imageId!;
      const prefix = imageId.replace(/^sha256:/, '').slice(0, 4);
      const prefixed = await test.waitForRun((await test.engine.controller.deploy(test.project('prebuilt-prefix', { image: prefix }, empty.dir))).run.id);
      expect(prefixed.failure).toMatchObject({ stage: 'build', code: 'DOCKER_IMAGE_BUILD_FAILED' });
      expect(prefixed.failure!.evidence.line).toContain(`no image is named ${prefix}`);
      expect(await labelledContainers(prefixed.deploymentId)).toEqual([]);
    } finally {
      empty.cleanup();
    }
  });
});
