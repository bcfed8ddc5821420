// Set-up for the ECS pipeline tests: a real engine (its default ECS target and pipeline runner) on a
// fresh data dir, pointed at a real moto_server and a real local registry; projects named `ecs-…`.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { projectSettingsSchema, type EcsSettings, type ProjectSettingsInput, type RunDetail } from '../../../shared';
import type { EngineConfig } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/host/engine';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { createAwsClients, type AwsClients } from '../../../electron/engine/aws/aws-clients';
import { makeTempDir } from '../../support/temp-dir';
import type { RunningServer } from '../../support/aws-emulator';
import { finished, stepLinesOf, waitForRun } from '../../support/wait-for-run';

export const ECS_APP = fileURLToPath(new URL('../../fixtures/ecs/app', import.meta.url));
export const docker = new Dockerode();

export { finished };

export interface EcsHarness {
  readonly engine: Engine;
  readonly aws: AwsClients;
  /** A project of the ECS test app, or of `sourceDir` (then nothing is set that the scan would find: no port). */
  project(ecs: EcsSettings, settings?: ProjectSettingsInput, sourceDir?: string): ProjectRecord;
  waitForRun(runId: string, done?: (run: RunDetail) => boolean, timeoutMs?: number): Promise<RunDetail>;
  /** Text of the run's lines for one step. */
  stepLines(run: RunDetail, step: string): string[];
  /** Starts a container from `image` publishing 8080 on 127.0.0.1:`hostPort`; removed by close(). */
  serve(image: string, hostPort: number): Promise<Dockerode.Container>;
  close(): Promise<void>;
}

export async function startEcsHarness(moto: RunningServer, config: Partial<EngineConfig> = {}): Promise<EcsHarness> {
  const temp = makeTempDir('berth-ecs-');
  const engine = await Engine.start({ config: { dataDir: temp.dir, awsEndpoint: moto.url, stopGraceMs: 1000, ...config } });
  const aws = createAwsClients({ endpoint: moto.url });
  const projects: ProjectRecord[] = [];
  const containers: Dockerode.Container[] = [];
  return {
    engine,
    aws,
    project: (ecs, settings = {}, sourceDir) => {
      const project = engine.store.projects.create({
        name: `ecs-${randomBytes(3).toString('hex')}`,
        sourceDir: sourceDir ?? ECS_APP,
        target: 'ecs',
        settings: projectSettingsSchema.parse({ ...(sourceDir === undefined ? { port: 8080 } : {}), ...settings, ecs }),
      });
      projects.push(project);
      return project;
    },
    waitForRun: (runId, done = finished, timeoutMs = 150_000) => waitForRun(engine, runId, done, timeoutMs),
    stepLines: (run, step) => stepLinesOf(engine, run, step),
    serve: async (image, hostPort) => {
      const container = await docker.createContainer({
        Image: image,
        name: `ecs-verify-${randomBytes(4).toString('hex')}`,
        ExposedPorts: { '8080/tcp': {} },
        HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } },
      });
      containers.push(container);
      await container.start();
      return container;
    },
    close: async () => {
      for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
      await engine.close();
      aws.destroy();
      const slugs = projects.map((project) => project.slug);
      for (const image of await docker.listImages()) {
        const tags = (image.RepoTags ?? []).filter((tag) => slugs.some((slug) => tag.includes(`/${slug}:`) || tag.includes(`/berth-${slug}:`)));
        for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
      }
      temp.cleanup();
    },
  };
}
