// The Docker target: detect → build → setup → deploy → verify → done, plus rollback, the stop
// sequence and start-up reconciliation, all through the one injected dockerode client. The steps
// themselves are free functions in docker-steps.ts; this class maps step names to them.
import { rm } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { DEFAULT_KEEP_RELEASES, STEP_ORDER, type Deployment, type RunKind, type StepName } from '../../../../shared';
import type { DeploymentsPort, LogLinesPort, MonitorPort } from '../../context';
import { dockerEndpoint, dockerErrorText, isDockerUnreachable } from '../../docker/call';
import { containersOf, stopAndRemove } from '../../docker/containers';
import type { SocketReader } from '../../docker/socket-reader';
import { createLogger } from '../../logger';
import { StepFailure } from '../../step-failure';
import type { ProjectRecord } from '../../store/projects';
import type { ReleaseRepository } from '../../store/releases';
import type { RunRepository } from '../../store/runs';
import type { DeployTarget, StepContext, StopOptions, TargetStopLog } from '../target';
import { buildStack, cleanupStackRun, deployStack, detectStack, promoteStack, resolveStackRelease, restorePreviousStack, setupStack, stackDirOf, stopStack, verifyStack, type StackStepCall } from '../compose/stack-steps';
import { build, cleanupRun, deploy, detect, promote, resolveRelease, restorePrevious, setup, verify, type DockerRunState } from './docker-steps';
import { pruneProjectImages, pruneStackImages } from './image-retention';
import { reconcileStack } from '../compose/stack-reconcile';
import { reconcileDeployment } from './reconcile';

const log = createLogger('targets/docker');

export interface DockerTargetOptions {
  readonly docker: Dockerode;
  readonly socketReader: SocketReader;
  readonly deployments: Pick<DeploymentsPort, 'update'>;
  readonly releases: Pick<ReleaseRepository, 'get' | 'listForDeployment' | 'markImageRemoved'>;
  /** The deployment's runs, for image retention (every run's build tag is a candidate). */
  readonly runs: Pick<RunRepository, 'idsForDeployment'>;
  readonly logs: Pick<LogLinesPort, 'system'>;
  readonly monitor: MonitorPort;
  readonly config: { readonly stopGraceMs: number; readonly baseImageEnv: Readonly<Record<string, string>>; readonly dataDir: string };
}

/** A manual rollback resolves the release first, then goes through the same swap as a deploy, so the current release keeps serving until the restored one answers. */
const MANUAL_ROLLBACK_STEPS: readonly StepName[] = ['rollback', 'setup', 'deploy', 'verify', 'done'];

export class DockerTarget implements DeployTarget<DockerRunState> {
  readonly target = 'docker' as const;

  constructor(private readonly options: DockerTargetOptions) {}

  initialState(): DockerRunState {
    return {};
  }

  steps(kind: RunKind): readonly StepName[] {
    return kind === 'rollback' ? MANUAL_ROLLBACK_STEPS : STEP_ORDER.docker;
  }

  async runStep(step: StepName, context: StepContext<DockerRunState>): Promise<void> {
    const call = this.call(context);
    // A Compose stack (the scan's shape `multi`) has steps of its own (targets/compose/stack-steps.ts).
    if (step === 'detect') {
      await detect(call);
      if (context.state.scan?.shape === 'multi') await detectStack(call);
      return;
    }
    if (context.state.stack || (step === 'rollback' && context.state.rollbackTo?.services)) return this.runStackStep(step, call);
    switch (step) {
      case 'build':
        return build(call);
      case 'setup':
        return setup(call);
      case 'deploy':
        return deploy(call);
      case 'verify':
        return verify(call);
      case 'done':
        await promote(call);
        // A deploy or redeploy went live: the project's older images go (never failing the run).
        if (context.run.kind !== 'rollback') await this.pruneImages(context);
        return;
      case 'rollback':
        return context.run.kind === 'rollback' ? resolveRelease(call) : restorePrevious(call);
      default:
        throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The Docker target has no "${step}" step.`);
    }
  }

  private async runStackStep(step: StepName, call: StackStepCall): Promise<void> {
    const { context } = call;
    switch (step) {
      case 'build':
        return buildStack(call);
      case 'setup':
        return setupStack(call);
      case 'deploy':
        return deployStack(call);
      case 'verify':
        return verifyStack(call);
      case 'done':
        await promoteStack(call);
        if (context.run.kind !== 'rollback') await this.pruneStackImages(context);
        return;
      case 'rollback':
        return context.run.kind === 'rollback' ? resolveStackRelease(call) : restorePreviousStack(call);
      default:
        throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `A Compose stack has no "${step}" step.`);
    }
  }

  classifyError(error: unknown): StepFailure | undefined {
    if (!isDockerUnreachable(error)) return undefined;
    const code = (error as { code: string }).code;
    return new StepFailure(
      'DOCKER_ENGINE_UNREACHABLE',
      `Berth could not reach the Docker engine at ${dockerEndpoint(this.options.docker)} (${code}). Start Docker (\`sudo systemctl start docker\`, or run dockerd) or point DOCKER_HOST at it, then deploy again.`,
      { cause: error },
    );
  }

  cleanupRun(context: StepContext<DockerRunState>): Promise<void> {
    if (context.state.stack) return cleanupStackRun(this.call(context));
    return cleanupRun(this.call(context));
  }

  async stopDeployment(deployment: Deployment, project: ProjectRecord, stopLog: TargetStopLog, options: StopOptions = {}): Promise<void> {
    const { docker, config } = this.options;
    if (deployment.services) {
      await stopStack({ docker, dataDir: config.dataDir, deploymentId: deployment.id, sourceDir: project.sourceDir, removeVolumes: options.removeVolumes ?? project.settings.compose?.removeVolumesOnStop === true, stopGraceMs: config.stopGraceMs, system: stopLog.system });
      this.options.deployments.update(deployment.id, { services: deployment.services.map((service) => ({ ...service, state: 'missing' as const, containerId: null, hostPort: null, health: null })) });
      return;
    }
    if (deployment.containerId) await stopAndRemove(docker, deployment.containerId, config.stopGraceMs, stopLog.system);
    else stopLog.system('[STOP] no container is recorded for this deployment');
    // Candidates and retired containers of the deployment go too: nothing labelled is left behind.
    try {
      for (const info of await containersOf(docker, deployment.id)) {
        if (info.Id !== deployment.containerId) await stopAndRemove(docker, info.Id, 0, stopLog.system);
      }
    } catch (error) {
      stopLog.system(`[STOP] could not list the deployment's containers: ${dockerErrorText(error)}`);
    }
  }

  /** A stack's files in the data dir (the file Compose ran, each release's copy) go with its project. */
  async forgetDeployment(deploymentId: string): Promise<void> {
    await rm(stackDirOf(this.options.config.dataDir, deploymentId), { recursive: true, force: true });
  }

  async reconcile(deployments: readonly Deployment[], system: (deploymentId: string, text: string) => void): Promise<void> {
    for (const deployment of deployments) {
      try {
        if (deployment.services) await reconcileStack(this.options, deployment, (text) => system(deployment.id, text));
        else await reconcileDeployment(this.options, deployment, (text) => system(deployment.id, text));
      } catch (error) {
        system(deployment.id, `[RECONCILE] could not check the container with Docker: ${dockerErrorText(error)}`);
        if (isDockerUnreachable(error)) return; // the engine is down: every other deployment would fail the same way
      }
    }
  }

  /** Image retention after a successful deploy (image-retention.ts); a failure is a system line, never the run's. */
  private async pruneImages(context: StepContext<DockerRunState>): Promise<void> {
    const { project, state } = context;
    const keep = project.settings.keepReleases ?? DEFAULT_KEEP_RELEASES;
    try {
      const removed = await pruneProjectImages({
        docker: this.options.docker,
        projectId: project.id,
        slug: project.slug,
        keep,
        releases: this.options.releases.listForDeployment(context.deploymentAtStart.id),
        runIds: this.options.runs.idsForDeployment(context.deploymentAtStart.id),
        live: { ...(state.imageRef ? { imageRef: state.imageRef } : {}), ...(state.imageId ? { imageId: state.imageId } : {}) },
        servingReleaseId: context.deploymentAtStart.currentReleaseId,
        markImageRemoved: (releaseId) => this.options.releases.markImageRemoved(releaseId),
        log: (text) => context.system(text),
      });
      if (removed.length > 0) context.system(`[RETENTION] removed ${removed.length} image${removed.length === 1 ? '' : 's'} beyond the last ${keep} releases: ${removed.join(', ')}`);
    } catch (error) {
      context.system(`[RETENTION] could not remove older images (the deploy is not affected): ${dockerErrorText(error)}`);
    }
  }

  /** A stack's image retention after a successful deploy (pruneStackImages); a failure is a system line, never the run's. */
  private async pruneStackImages(context: StepContext<DockerRunState>): Promise<void> {
    const keep = context.project.settings.keepReleases ?? DEFAULT_KEEP_RELEASES;
    try {
      const removed = await pruneStackImages({
        docker: this.options.docker,
        keep,
        releases: this.options.releases.listForDeployment(context.deploymentAtStart.id),
        live: context.state.services ?? [],
        servingReleaseId: context.deploymentAtStart.currentReleaseId,
        markImageRemoved: (releaseId) => this.options.releases.markImageRemoved(releaseId),
        log: (text) => context.system(text),
      });
      if (removed.length > 0) context.system(`[RETENTION] removed ${removed.length} image tag${removed.length === 1 ? '' : 's'} of releases beyond the last ${keep}: ${removed.join(', ')}`);
    } catch (error) {
      context.system(`[RETENTION] could not remove older images (the deploy is not affected): ${dockerErrorText(error)}`);
    }
  }

  private call(context: StepContext<DockerRunState>): StackStepCall {
    const { docker, socketReader, monitor, config, logs } = this.options;
    const deploymentId = context.deploymentAtStart.id;
    return {
      docker,
      socketReader,
      context,
      monitor,
      stopGraceMs: config.stopGraceMs,
      dataDir: config.dataDir,
      baseImageEnv: config.baseImageEnv,
      unreachable: (error) => this.classifyError(error),
      runtimeLine: (text) => {
        try {
          logs.system(deploymentId, text, { source: 'runtime' });
        } catch (error) {
          log.warn('could not write a line', error);
        }
      },
    };
  }
}
