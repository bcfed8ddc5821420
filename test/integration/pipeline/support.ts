// Shared set-up for the pipeline integration tests: a real engine on a fresh data dir, fixture
// projects named `pipeline-…`, and waits on run events (never on sleeps).
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { projectSettingsSchema, type ProjectSettingsInput, type RunDetail } from '../../../shared';
import { Engine, type EngineOptions } from '../../../electron/engine/host/engine';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { makeTempDir } from '../../support/temp-dir';
import { finished, waitForRun } from '../../support/wait-for-run';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/apps/', import.meta.url));
export const fixtureDir = (name: string): string => `${FIXTURES}${name}`;

export const docker = new Dockerode();

export interface TestEngine {
  readonly engine: Engine;
  readonly dataDir: string;
  project(fixture: string, settings?: ProjectSettingsInput, sourceDir?: string): ProjectRecord;
  /** Resolves with the run once `done(run)` holds; checks on every runUpdated event. */
  waitForRun(runId: string, done?: (run: RunDetail) => boolean, timeoutMs?: number): Promise<RunDetail>;
  close(): Promise<void>;
}

export { finished };

export async function startTestEngine(options: EngineOptions & { dataDir?: string } = {}): Promise<TestEngine> {
  const temp = options.dataDir ? { dir: options.dataDir, cleanup: () => undefined } : makeTempDir('berth-pipeline-');
  const engine = await Engine.start({ ...options, config: { dataDir: temp.dir, stopGraceMs: 2_000, ...options.config } });
  const projects: ProjectRecord[] = [];
  return {
    engine,
    dataDir: temp.dir,
    project: (fixture, settings = {}, sourceDir) => {
      const project = engine.store.projects.create({
        name: `pipeline-${fixture}-${randomBytes(3).toString('hex')}`,
        sourceDir: sourceDir ?? fixtureDir(fixture),
        target: 'docker',
        settings: projectSettingsSchema.parse(settings),
      });
      projects.push(project);
      return project;
    },
    waitForRun: (runId, done = finished, timeoutMs = 120_000) => waitForRun(engine, runId, done, timeoutMs),
    close: async () => {
      for (const project of projects) {
        for (const deployment of engine.store.deployments.listForProject(project.id)) {
          await engine.controller.stopDeployment(deployment.id).catch(() => undefined);
          await engine.controller.whenStopped(deployment.id);
        }
      }
      await engine.close();
      await removeProjectImages(projects.map((project) => project.slug));
      temp.cleanup();
    },
  };
}

/** Removes the images Berth built for these projects (tags `berth/<slug>:<run>`). */
export async function removeProjectImages(slugs: readonly string[]): Promise<void> {
  const images = await docker.listImages({ filters: { reference: slugs.map((slug) => `berth/${slug}`) } });
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
}

/** Containers labelled for a deployment, any state. */
export async function labelledContainers(deploymentId: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`berth.deployment=${deploymentId}`] } });
}

export async function httpStatus(url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return (error as Error).message;
  }
}

export const stepStatuses = (run: RunDetail): Record<string, string> => Object.fromEntries(run.steps.map((step) => [step.name, step.status]));

/**
 * Writes a throw-away app into `dir`: `marker` is served at /version and busts the layer cache;
 * `buildSeconds` makes the build take that long; `healthy: false` leaves /health as 404.
 */
export function writeApp(dir: string, options: { marker: string; healthy?: boolean; buildSeconds?: number }): void {
  const lines = [
    'FROM berth-test/busybox:1',
    `RUN mkdir -p /www && echo ${options.marker} > /www/version`,
    ...(options.buildSeconds ? [`RUN echo "building ${options.marker}" && sleep ${options.buildSeconds} && echo "built"`] : []),
    ...(options.healthy === false ? [] : ['RUN echo ok > /www/health']),
    'EXPOSE 8080',
    `CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]`,
  ];
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
}

export async function httpText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return (await response.text()).trim();
}

// ---- a real `berth serve` child process ----

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Serve {
  readonly child: ChildProcess;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function serve(dataDir: string): Promise<Serve> {
  rmSync(join(dataDir, 'api.json'), { force: true });
  const child = spawn(process.execPath, [join(ROOT, 'bin/berth.js'), 'serve', '--json'], {
    env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_STOP_GRACE_MS: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // The API file appears once the engine has recovered and listens: wait on it, not on time.
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (existsSync(join(dataDir, 'api.json'))) done(resolve);
      else if (child.exitCode !== null) done(() => reject(new Error(`berth serve exited: ${output}`)));
    }, 50);
    const timer = setTimeout(() => done(() => reject(new Error(`berth serve did not start: ${output}`))), 60_000);
    const done = (then: () => void) => {
      clearInterval(check);
      clearTimeout(timer);
      then();
    };
  });
  const { url, token } = JSON.parse(readFileSync(join(dataDir, 'api.json'), 'utf8')) as { url: string; token: string };
  return {
    child,
    call: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await response.json()) as T & { error?: unknown };
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
  };
}

export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const killHard = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};
