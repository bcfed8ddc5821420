// The Compose stack tests' set-up: a private copy of the three-service fixture (so a test may change one
// service), its `.env` pointing Redis's build at the provisioned Debian base image, and a cleanup that
// removes only what these tests made: the stacks' containers, networks and volumes (by the Compose
// project label `berth-<deploymentId>`) and the images Berth tagged for the projects.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { afterAll, beforeAll } from 'vitest';
import { composeProjectName } from '../../../electron/engine/docker/compose';
import { makeTempDir } from '../../support/temp-dir';
import type { ProjectSettingsInput, RunDetail } from '../../../shared';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { startTestEngine, type TestEngine } from '../pipeline/support';

export const docker = new Dockerode();
const FIXTURES = fileURLToPath(new URL('../../fixtures/compose/', import.meta.url));
export const fixtureDir = (name: string): string => join(FIXTURES, name);

interface Provisioning {
  runtimeImageTags: () => Record<string, string>;
}

/** The provisioned Debian base image (scripts/provision.js builds it; integration-setup provisions). */
export async function debianBaseImage(): Promise<string> {
  // @ts-expect-error plain JS module without types
  const provisioning = (await import('../../../scripts/provision.js')) as Provisioning;
  return provisioning.runtimeImageTags().debian!;
}

export class ComposeFixtures {
  private readonly temps: Array<() => void> = [];

  /** A private copy of `test/fixtures/compose/<name>` with its `.env`. */
  async copy(name: string): Promise<string> {
    const temp = makeTempDir(`berth-compose-${name}-`);
    this.temps.push(temp.cleanup);
    const dir = join(temp.dir, name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    writeFileSync(join(dir, '.env'), `BERTH_TEST_DEBIAN_IMAGE=${await debianBaseImage()}\n`);
    return dir;
  }

  cleanupDirs(): void {
    for (const cleanup of this.temps.splice(0)) cleanup();
  }
}

/** Containers of a deployment's stack (any state), by Compose's project label. */
export async function stackContainers(deploymentId: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${composeProjectName(deploymentId)}`] } });
}

export async function stackNetworks(deploymentId: string): Promise<Dockerode.NetworkInspectInfo[]> {
  return docker.listNetworks({ filters: { label: [`com.docker.compose.project=${composeProjectName(deploymentId)}`] } });
}

export async function stackVolumes(deploymentId: string): Promise<Array<{ Name: string }>> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${composeProjectName(deploymentId)}`] } });
  return Volumes ?? [];
}

/** Removes what the stacks of these deployments left (containers, networks, volumes) and the projects' images. */
export async function removeStacks(deploymentIds: readonly string[], slugs: readonly string[]): Promise<void> {
  for (const id of deploymentIds) {
    for (const info of await stackContainers(id)) await docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => undefined);
    for (const network of await stackNetworks(id)) await docker.getNetwork(network.Id).remove().catch(() => undefined);
    for (const volume of await stackVolumes(id)) await docker.getVolume(volume.Name).remove().catch(() => undefined);
  }
  const images = await docker.listImages();
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (slugs.some((slug) => tag.startsWith(`berth/${slug}-`))) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  }
}

export async function httpText(url: string): Promise<string | number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const text = (await response.text()).trim();
    return response.ok ? text : response.status;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a describe block of stack tests shares: a real engine, a folder for the stacks' sources, and what to clean up. */
export interface StackTestContext {
  test: TestEngine;
  readonly temp: { readonly dir: string; cleanup(): void };
  /** Deployments and project slugs the tests made: their containers, networks, volumes and images go afterwards. */
  readonly deployments: string[];
  readonly slugs: string[];
  /** A project on `dir` whose images are removed afterwards. */
  project(name: string, settings: ProjectSettingsInput, dir: string): ProjectRecord;
  /** Deploys it and waits for the run to end; its stack is removed afterwards. */
  deploy(project: ProjectRecord, timeoutMs?: number): Promise<{ finished: RunDetail; deploymentId: string }>;
}

/** Starts an engine for the describe block (health every 500 ms) and removes everything its stacks made after it. */
export function useStackTestEngine(prefix: string): StackTestContext {
  const context: StackTestContext = {
    test: undefined as unknown as TestEngine,
    temp: makeTempDir(prefix),
    deployments: [],
    slugs: [],
    project: (name, settings, dir) => {
      const project = context.test.project(name, settings, dir);
      context.slugs.push(project.slug);
      return project;
    },
    deploy: async (project, timeoutMs = 180_000) => {
      const { run, deployment } = await context.test.engine.controller.deploy(project);
      if (!context.deployments.includes(deployment.id)) context.deployments.push(deployment.id);
      return { finished: await context.test.waitForRun(run.id, undefined, timeoutMs), deploymentId: deployment.id };
    },
  };
  beforeAll(async () => {
    context.test = await startTestEngine({ config: { healthIntervalMs: 500 } });
  });
  afterAll(async () => {
    await context.test?.close();
    await removeStacks(context.deployments, context.slugs);
    context.temp.cleanup();
  });
  return context;
}
