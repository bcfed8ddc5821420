import { createServer, type Server } from 'node:net';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../shared/error-lines';
import { makeTempDir } from '../../support/temp-dir';
import { labelledContainers, startTestEngine, stepStatuses, type TestEngine } from './support';

describe('docker pipeline: failures are classified with evidence', () => {
  let test: TestEngine;
  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterAll(async () => {
    await test?.close();
  });

  it('build-fails → DOCKER_IMAGE_BUILD_FAILED at build, evidence quotes the failing RUN output', async () => {
    const { run } = await test.engine.controller.deploy(test.project('build-fails'));
    const finished = await test.waitForRun(run.id);
    expect(finished.status).toBe('failed');
    expect(stepStatuses(finished)).toEqual({ detect: 'success', build: 'failed', setup: 'skipped', deploy: 'skipped', verify: 'skipped', done: 'skipped' });
    expect(finished.failure).toMatchObject({ stage: 'build', category: 'build_failure', code: 'DOCKER_IMAGE_BUILD_FAILED', retryable: false });
    expect(finished.failure!.evidence.line).toBe('error: missing dependency left-pad');
    const stored = test.engine.store.logLines.range(finished.deploymentId, finished.failure!.evidence.lineNo!, finished.failure!.evidence.lineNo!)[0];
    expect(stripAnsi(stored?.text ?? '')).toBe('error: missing dependency left-pad');
    // The classic builder wraps the RUN step's stderr in ESC[91m … ESC[0m: stored as stderr, bytes as sent.
    expect(stored).toMatchObject({ stream: 'stderr', text: '\x1b[91merror: missing dependency left-pad' });
    const buildLines = test.engine.store.logLines.since(finished.deploymentId, 0, 5000).filter((line) => line.runId === finished.id && line.step === 'build');
    expect(buildLines.find((line) => /^Step \d+\/\d+ : RUN echo "error: missing/.test(line.text))?.stream).toBe('stdout');
    // The reset opens the next line, which is stdout again.
    const next = buildLines.find((line) => line.lineNo === stored!.lineNo + 1);
    expect(next?.stream).toBe('stdout');
    expect(next?.text.startsWith('\x1b[0mRemoving intermediate container ')).toBe(true);
    expect(buildLines.filter((line) => line.stream === 'stderr').map((line) => stripAnsi(line.text))).toEqual(['error: missing dependency left-pad', expect.stringContaining('returned a non-zero code: 3'), expect.stringMatching(/^DOCKER_IMAGE_BUILD_FAILED: /)]);
    expect(finished.failure!.evidence.context.some((line) => line.includes('RUN echo "error: missing dependency left-pad"'))).toBe(true);
    expect(finished.failure!.likelyCause).toContain('returned a non-zero code: 3');
    expect(await labelledContainers(finished.deploymentId)).toEqual([]);
    expect(test.engine.store.deployments.get(finished.deploymentId)!.status).toBe('failed');
  });

  it('exits-at-start → CONTAINER_START_FAILED at verify, with the container log and exit code appended', async () => {
    const { run } = await test.engine.controller.deploy(test.project('exits-at-start'));
    const finished = await test.waitForRun(run.id);
    expect(finished.failure).toMatchObject({ stage: 'verify', category: 'startup_failure', code: 'CONTAINER_START_FAILED' });
    expect(finished.failure!.evidence.line).toBe('Error: config file /app/config.json not found');
    test.engine.logs.flush();
    const verifyLines = test.engine.store.logLines.since(finished.deploymentId, 0, 5000).filter((line) => line.step === 'verify').map((line) => line.text);
    // The candidate has no restart policy until verified, so it stays exited with its own exit code.
    expect(verifyLines.some((line) => line.startsWith('[DIAGNOSTICS] container state=exited exitCode=3 restarts=0'))).toBe(true);
    expect(verifyLines).toContain('starting app');
    expect(await labelledContainers(finished.deploymentId)).toEqual([]);
  });

  it('never-healthy → DEPLOYMENT_VERIFICATION_FAILED after verifyTimeoutMs, evidence is the last probe answer', async () => {
    const { run } = await test.engine.controller.deploy(test.project('never-healthy', { verifyTimeoutMs: 2000 }));
    const finished = await test.waitForRun(run.id);
    expect(finished.failure).toMatchObject({ stage: 'verify', category: 'health_check_failure', code: 'DEPLOYMENT_VERIFICATION_FAILED' });
    expect(finished.failure!.evidence.line).toMatch(/gave no 2xx or 3xx answer within 2 s; last answer: HTTP 404/);
    test.engine.logs.flush();
    const verifyLines = test.engine.store.logLines.since(finished.deploymentId, 0, 5000).filter((line) => line.step === 'verify').map((line) => line.text);
    expect(verifyLines.some((line) => line.includes('state=running'))).toBe(true);
    // A first deploy has no earlier release: no rollback step is invented.
    expect(finished.steps.map((step) => step.name)).not.toContain('rollback');
    expect(await labelledContainers(finished.deploymentId)).toEqual([]);
  });

  it('an empty directory → PROJECT_SHAPE_UNSUPPORTED at detect that says what to add', async () => {
    const empty = makeTempDir('pipeline-empty-');
    try {
      const { run } = await test.engine.controller.deploy(test.project('empty', {}, empty.dir));
      const finished = await test.waitForRun(run.id);
      expect(finished.failure).toMatchObject({ stage: 'detect', code: 'PROJECT_SHAPE_UNSUPPORTED' });
      expect(finished.failure!.likelyCause).toMatch(/Berth found nothing in .*\. Add your app: a package\.json with a start script, .*, or a Dockerfile\./);
      expect(finished.failure!.evidence.line).toContain('Berth found nothing');
    } finally {
      empty.cleanup();
    }
  });

  it('a configured host port that is taken → PORT_ALLOCATION_FAILED naming the port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { run } = await test.engine.controller.deploy(test.project('healthy', { hostPort: port }));
      const finished = await test.waitForRun(run.id);
      expect(finished.failure).toMatchObject({ stage: 'setup', category: 'infrastructure_failure', code: 'PORT_ALLOCATION_FAILED' });
      expect(finished.failure!.likelyCause).toContain(String(port));
      expect(finished.failure!.evidence.line).toContain(`127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });
});

describe('docker pipeline: unreachable engine', () => {
  it('fails with DOCKER_ENGINE_UNREACHABLE (retryable) and a clear message', async () => {
    const missing = makeTempDir('pipeline-nosocket-');
    const test = await startTestEngine({ docker: new Dockerode({ socketPath: `${missing.dir}/docker.sock` }) });
    try {
      const { run } = await test.engine.controller.deploy(test.project('healthy'));
      const finished = await test.waitForRun(run.id);
      expect(finished.status).toBe('failed');
      expect(finished.failure).toMatchObject({ stage: 'detect', category: 'infrastructure_failure', code: 'DOCKER_ENGINE_UNREACHABLE', retryable: true });
      expect(finished.failure!.likelyCause).toContain(`${missing.dir}/docker.sock`);
      expect(finished.failure!.likelyCause).toMatch(/Start Docker/);
      expect(finished.failure!.evidence.line).toMatch(/cannot connect to the Docker engine/);
    } finally {
      await test.close();
      missing.cleanup();
    }
  });

  it('an engine that accepts connections but never answers is DOCKER_ENGINE_UNREACHABLE too, not a hang', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (silent.address() as { port: number }).port;
    const test = await startTestEngine({ docker: new Dockerode({ host: '127.0.0.1', port, protocol: 'http' }) });
    try {
      const finished = await test.waitForRun((await test.engine.controller.deploy(test.project('healthy'))).run.id);
      expect(finished.failure).toMatchObject({ stage: 'detect', code: 'DOCKER_ENGINE_UNREACHABLE' });
      expect(finished.failure!.evidence.line).toMatch(/did not answer a version request/);
    } finally {
      await test.close();
      silent.close();
    }
  }, 90_000);
});

