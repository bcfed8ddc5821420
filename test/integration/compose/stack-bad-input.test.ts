// Compose files Berth cannot deploy fail at the right step, naming the file, the line or service, and a
// cause, with the evidence line in the step's log (docs/product-rules.md, "Compose stacks").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../shared';
import { makeTempDir } from '../../support/temp-dir';
import { startTestEngine, stepStatuses, type TestEngine } from '../pipeline/support';
import { composeCommand } from '../../../electron/engine/docker/compose';
import { removeStacks, stackContainers } from './compose-harness';

describe('compose stack: bad input', () => {
  let test: TestEngine;
  const temp = makeTempDir('berth-compose-bad-');
  const deployments: string[] = [];
  const slugs: string[] = [];

  beforeAll(async () => {
    test = await startTestEngine();
  });
  afterAll(async () => {
    await test?.close();
    await removeStacks(deployments, slugs);
    temp.cleanup();
  });

  /** A folder with `compose.yaml` = `text` (and `files`), deployed; resolves with the finished run. */
  async function deploy(name: string, text: string, files: Record<string, string> = {}): Promise<RunDetail> {
    const dir = join(temp.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), text);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    const project = test.project(name, {}, dir);
    slugs.push(project.slug);
    const { run, deployment } = await test.engine.controller.deploy(project);
    deployments.push(deployment.id);
    return test.waitForRun(run.id, undefined, 120_000);
  }

  const evidenceOf = (run: RunDetail): string => run.failure!.evidence.line ?? '';

  it('a compose file that does not parse fails at detect, naming the file and the line', async () => {
    const run = await deploy('yaml', 'services:\n  web:\n    image: berth-test/busybox:1\n    ports: [8080\n  worker:\n    image: berth-test/busybox:1\n');
    expect(run.status).toBe('failed');
    expect(stepStatuses(run).detect).toBe('failed');
    expect(run.failure).toMatchObject({ code: 'COMPOSE_FILE_INVALID', stage: 'detect' });
    expect(run.failure!.likelyCause).toMatch(/compose\.yaml does not parse as YAML at line \d+/);
    expect(evidenceOf(run)).toMatch(/^error: compose\.yaml line \d+: /);
  });

  it('a file Compose refuses fails at detect with Compose\'s own words, naming the service', async () => {
    const run = await deploy('invalid', 'services:\n  web:\n    image: berth-test/busybox:1\n    ports: 8080\n');
    expect(run.failure).toMatchObject({ code: 'COMPOSE_FILE_INVALID', stage: 'detect' });
    expect(run.failure!.likelyCause).toContain('Compose refused compose.yaml');
        expect(run.failure!.likelyCause).toMatch(/service web \(line 2\)/);
    // In Compose's own words, which differ by version (v1: "contains an invalid type"; v5: "must be a array").
    expect(run.failure!.likelyCause).toMatch(/services\.web\.ports (contains an invalid type|must be a array)/);
    expect(evidenceOf(run)).toMatch(/ports/);
  });

  it('a negative scale (which docker-compose v1 takes, starting nothing) fails at detect, naming the service and its line', async () => {
    const run = await deploy('scale', 'services:\n  web:\n    image: berth-test/busybox:1\n    ports: ["8080"]\n  worker:\n    image: berth-test/busybox:1\n    scale: -1\n');
    expect(run.failure).toMatchObject({ code: 'COMPOSE_FILE_INVALID', stage: 'detect' });
    if ((await composeCommand()).generation === 1) {
      expect(run.failure!.likelyCause).toBe('Service worker in compose.yaml (line 5): scale is -1: it must be a whole number, 0 or more. Fix it, then deploy again.');
      expect(evidenceOf(run)).toBe('error: service worker (compose.yaml line 5): scale is -1: it must be a whole number, 0 or more');
    } else {
      // v2 and later refuse it themselves.
      expect(run.failure!.likelyCause).toMatch(/^Compose refused compose\.yaml \(service worker \(line 5\)\): .*scale/);
    }
  });

  it('a missing build context fails at detect, naming the service, its line and the path', async () => {
    const run = await deploy('context', 'services:\n  web:\n    image: berth-test/busybox:1\n    ports: ["8080"]\n  api:\n    build: ./api-does-not-exist\n');
    expect(run.failure).toMatchObject({ code: 'COMPOSE_FILE_INVALID', stage: 'detect' });
    expect(run.failure!.likelyCause).toMatch(/api/);
    expect(run.failure!.likelyCause).toMatch(/api-does-not-exist/);
        expect(run.failure!.likelyCause).toMatch(/line 5/);
    expect(evidenceOf(run)).toMatch(/api-does-not-exist/);
  });

  it('an image that cannot be pulled fails at build, naming the service, its line, the image and the cause', async () => {
    const run = await deploy('pull', 'services:\n  web:\n    image: berth-test/busybox:1\n    ports: ["8080"]\n  cache:\n    image: berth-test/not-a-real-image:404\n');
    expect(run.failure).toMatchObject({ code: 'COMPOSE_FILE_INVALID', stage: 'build' });
    expect(run.failure!.likelyCause).toMatch(/Service cache in compose\.yaml \(line 5\) uses image berth-test\/not-a-real-image:404, which is not on this Docker engine and could not be pulled \(.+\)/);
    expect(evidenceOf(run).length).toBeGreaterThan(0);
  });

  it('a build that fails names the service and its line, with the failing line as evidence', async () => {
    const run = await deploy('build', 'services:\n  web:\n    build: ./web\n    ports: ["8080"]\n', { 'web/Dockerfile': 'FROM berth-test/busybox:1\nRUN echo "about to fail" && exit 3\n' });
    expect(run.failure).toMatchObject({ code: 'DOCKER_IMAGE_BUILD_FAILED', stage: 'build' });
        expect(run.failure!.likelyCause).toMatch(/The build of service web \(compose\.yaml line 2\) failed: .*non-zero code: 3/);
    expect(evidenceOf(run)).toMatch(/non-zero code: 3/);
  });

  it('a first deploy whose public service dies fails at verify with its last lines, and the stack is taken down', async () => {
    const run = await deploy('dies', 'services:\n  web:\n    image: berth-test/busybox:1\n    command: ["sh", "-c", "echo web cannot start; exit 3"]\n    ports: ["8080"]\n  worker:\n    image: berth-test/busybox:1\n    command: ["sleep", "600"]\n');
    expect(run.failure).toMatchObject({ code: 'CONTAINER_START_FAILED', stage: 'verify' });
    // Verify finds it exited already, or sees it exit while probing: either way the public service is named.
    expect(run.failure!.likelyCause).toMatch(/^The public service web did (not start \(state (exited|restarting)|not answer \/)/);
    test.engine.logs.flush();
    const lines = test.engine.store.logLines.since(run.deploymentId, 0, 10_000);
    expect(lines.some((line) => line.service === 'web' && line.text === 'web cannot start')).toBe(true);
    expect(lines.some((line) => line.text.startsWith('[CLEANUP] the stack never went live'))).toBe(true);
    expect(await stackContainers(run.deploymentId)).toEqual([]);
    expect(test.engine.store.deployments.get(run.deploymentId)!.status).toBe('failed');
  });
});
