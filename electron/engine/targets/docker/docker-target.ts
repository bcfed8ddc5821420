// The Docker target: detect → build → setup → deploy → verify → done, plus rollback, the stop
// sequence and start-up reconciliation, all through the one injected dockerode client.
//
// How a new release replaces the old one (the swap):
// - The new release starts as a *candidate* container `berth-<deploymentId>-next` on its own host
//   port, next to the container that is serving. Only `verify` probes it.
// - `done` promotes it: the old container is renamed `berth-<deploymentId>-old-<runId>`, the
//   candidate is renamed `berth-<deploymentId>`, the deployment row points at it, and the old
//   container is stopped (SIGTERM, grace, SIGKILL) and removed in the background.
// - If verify fails, the candidate is removed and the old container never stopped serving: the
//   automatic rollback only has to confirm it still answers (or recreate it from its image).
// - With a fixed `hostPort` both cannot hold the port at once: the old container is stopped (not
//   removed) in `deploy` to hand the port over, and started again if the run fails or is stopped.
// With an allocated port the host port therefore changes on each redeploy.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { STEP_ORDER, type Deployment, type RunKind, type StepName } from '../../../../shared';
import type { EngineContext } from '../../host/engine';
import { createLogger } from '../../logger';
import type { ProjectRecord } from '../../store/projects';
import { StepFailure } from '../../step-failure';
import type { DeployTarget, StepContext, TargetStopLog } from '../target';
import { buildImage } from '../../docker/build';
import { dockerEndpoint, dockerErrorText, isAlreadyInState, isDockerNotFound, isDockerUnreachable, withDockerTimeout } from '../../docker/call';
import { applyRestartPolicy, containersOf, createContainer, lastLogLines, stopAndRemove } from '../../docker/containers';
import { imageMatchesReference, SHORT_IMAGE_ID_LENGTH } from '../../docker/image-reference';
import { containerNameFor } from '../../docker/labels';
import { allocateFreePort, isPortFree } from './ports';
import { containerCondition, waitForHealthy } from './verify';

const log = createLogger('targets/docker');

const DIAGNOSTIC_LOG_LINES = 30;

export const candidateNameFor = (deploymentId: string): string => `${containerNameFor(deploymentId)}-next`;

/** What the Docker steps hand each other through `state.extra`. */
interface DockerRunState {
  shape?: 'existing_docker' | 'prebuilt_image';
  hostPort?: number;
  candidateId?: string;
  /** The previous release's container, stopped to hand over a fixed host port. */
  handedOverId?: string;
  promoted?: boolean;
}

const dockerState = (context: StepContext): DockerRunState => context.state.extra as DockerRunState;

export class DockerTarget implements DeployTarget {
  readonly target = 'docker' as const;
  private readonly docker: Dockerode;

  constructor(private readonly engine: EngineContext) {
    this.docker = engine.docker;
  }

  steps(kind: RunKind): readonly StepName[] {
    // A manual rollback resolves the release first, then goes through the same swap as a deploy,
    // so the current release keeps serving until the restored one answers.
    return kind === 'rollback' ? ['rollback', 'setup', 'deploy', 'verify', 'done'] : STEP_ORDER.docker;
  }

  async runStep(step: StepName, context: StepContext): Promise<void> {
    switch (step) {
      case 'detect':
        return this.detect(context);
      case 'build':
        return this.build(context);
      case 'setup':
        return this.setup(context);
      case 'deploy':
        return this.deploy(context);
      case 'verify':
        return this.verify(context);
      case 'done':
        return this.done(context);
      case 'rollback':
        return context.run.kind === 'rollback' ? this.resolveRelease(context) : this.restorePrevious(context);
      default:
        throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The Docker target has no "${step}" step.`);
    }
  }

  classifyError(error: unknown): StepFailure | undefined {
    if (!isDockerUnreachable(error)) return undefined;
    const code = (error as { code: string }).code;
    return new StepFailure(
      'DOCKER_ENGINE_UNREACHABLE',
      `Berth could not reach the Docker engine at ${dockerEndpoint(this.docker)} (${code}). Start Docker (\`sudo systemctl start docker\`, or run dockerd) or point DOCKER_HOST at it, then deploy again.`,
      { cause: error },
    );
  }

  // ---- steps ----

  private async detect(context: StepContext): Promise<void> {
    try {
      const version = await withDockerTimeout(this.docker.version(), 'a version request');
      context.stdout(`Docker engine ${version.Version} (API ${version.ApiVersion}) on ${version.Os}/${version.Arch}`);
    } catch (error) {
      const unreachable = this.classifyError(error);
      if (unreachable) {
        context.stderr(`error: cannot connect to the Docker engine: ${dockerErrorText(error)}`);
        throw unreachable;
      }
      throw error;
    }
    const { sourceDir, settings } = context.project;
    if (settings.image) {
      dockerState(context).shape = 'prebuilt_image';
      context.stdout(`shape: prebuilt_image (settings.image = ${settings.image})`);
      return;
    }
    if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
      const line = context.stderr(`error: source directory ${sourceDir} does not exist`);
      throw new StepFailure('PROJECT_SHAPE_UNSUPPORTED', `The project's source directory ${sourceDir} is missing. Point the project at its folder (berth projects / PATCH sourceDir).`, { evidenceLineNo: line });
    }
    if (existsSync(join(sourceDir, 'Dockerfile'))) {
      dockerState(context).shape = 'existing_docker';
      context.stdout(`shape: existing_docker (${join(sourceDir, 'Dockerfile')})`);
      return;
    }
    const line = context.stderr(`error: no Dockerfile in ${sourceDir} and no image setting`);
    throw new StepFailure(
      'PROJECT_SHAPE_UNSUPPORTED',
      `Berth deploys to Docker from a Dockerfile or a prebuilt image. Add a Dockerfile to ${sourceDir}, or set the project's \`image\` setting to an image the Docker engine already has.`,
      { evidenceLineNo: line },
    );
  }

  private async build(context: StepContext): Promise<void> {
    const { project } = context;
    if (dockerState(context).shape === 'prebuilt_image' && project.settings.image) {
      const reference = project.settings.image;
      try {
        const image = await this.docker.getImage(reference).inspect();
        if (!imageMatchesReference(reference, image)) {
          const line = context.stderr(`error: no image is named ${reference}; Docker matched it to the start of the ID of ${image.Id}`);
          throw new StepFailure(
            'DOCKER_IMAGE_BUILD_FAILED',
            `No image on this Docker engine is named ${reference}: Docker would take it as the start of an unrelated image's ID. Set the image setting to a name (name:tag) or an ID of at least ${SHORT_IMAGE_ID_LENGTH} characters, as \`docker images\` prints it.`,
            { evidenceLineNo: line },
          );
        }
        context.stdout(`using prebuilt image ${reference} (${image.Id})`);
        context.state.imageRef = reference;
        context.state.imageId = image.Id;
        return;
      } catch (error) {
        if (!isDockerNotFound(error)) throw error;
        const line = context.stderr(`error: image ${reference} is not on the Docker engine`);
        throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', `The image ${reference} is not on this Docker engine and Berth does not pull images. Load or build it (docker load / docker build -t ${reference}) and deploy again.`, {
          evidenceLineNo: line,
        });
      }
    }
    const tag = `berth/${project.slug}:${context.run.id.replace(/[^a-z0-9_.-]/g, '')}`;
    context.stdout(`docker build -t ${tag} ${project.sourceDir}`);
    const started = Date.now();
    const result = await buildImage(this.docker, { contextDir: project.sourceDir, tag, signal: context.signal, log: context });
    context.stdout(`built ${result.imageId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    context.state.imageRef = result.tag;
    context.state.imageId = result.imageId;
  }

  private async setup(context: StepContext): Promise<void> {
    const state = dockerState(context);
    await this.removeByName(candidateNameFor(context.deploymentAtStart.id), context);
    const fixed = context.project.settings.hostPort;
    const current = context.deploymentAtStart;
    if (fixed === undefined) {
      state.hostPort = await allocateFreePort();
      context.stdout(`host port 127.0.0.1:${state.hostPort} allocated → container port ${context.project.settings.port}/tcp`);
      return;
    }
    if (current.hostPort === fixed && current.containerId && (await this.isRunning(current.containerId))) {
      state.hostPort = fixed;
      context.stdout(`host port 127.0.0.1:${fixed} is held by the current release; it is handed over in the deploy step`);
      return;
    }
    if (!(await isPortFree(fixed))) {
      const line = context.stderr(`error: host port 127.0.0.1:${fixed} is already in use`);
      throw new StepFailure('PORT_ALLOCATION_FAILED', `Port ${fixed} on 127.0.0.1 is already in use by another process. Free port ${fixed}, or change the project's hostPort (or remove it to let Berth pick a free port).`, {
        evidenceLineNo: line,
      });
    }
    state.hostPort = fixed;
    context.stdout(`host port 127.0.0.1:${fixed} (configured) → container port ${context.project.settings.port}/tcp`);
  }

  private async deploy(context: StepContext): Promise<void> {
    const state = dockerState(context);
    const { project } = context;
    const deploymentId = context.deploymentAtStart.id;
    const image = context.state.imageId ?? context.state.imageRef;
    if (!image || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The deploy step ran without an image or a host port; deploy again.');

    const current = context.deployment();
    if (current.containerId && current.hostPort === state.hostPort) {
      context.system(`[SWAP] stopping the current release's container ${current.containerId.slice(0, 12)} to hand over port ${state.hostPort}`);
      this.engine.monitor.unwatch(deploymentId);
      state.handedOverId = current.containerId;
      await this.docker.getContainer(current.containerId).stop({ t: Math.ceil(this.engine.config.stopGraceMs / 1000) }).catch((error: unknown) => {
        if (!isDockerNotFound(error) && !isAlreadyInState(error)) throw error;
      });
    }

    const name = candidateNameFor(deploymentId);
    const env = project.settings.env.map((variable) => `${variable.name}=${variable.secret ? '••••••' : variable.value}`);
    context.stdout(`creating container ${name} from ${context.state.imageRef ?? image}`);
    context.stdout(`  memory limit ${project.settings.memoryLimitMb} MB, restart policy ${project.settings.restartPolicy} once verified, 127.0.0.1:${state.hostPort} → ${project.settings.port}/tcp`);
    if (env.length > 0) context.stdout(`  env: ${env.join(' ')}`);
    let container: Dockerode.Container;
    try {
      container = await createContainer(this.docker, {
        name,
        image,
        deploymentId,
        projectId: project.id,
        runId: context.run.id,
        settings: project.settings,
        hostPort: state.hostPort,
        holdRestartPolicy: true,
      });
    } catch (error) {
      if (this.classifyError(error)) throw error;
      const line = context.stderr(`error: could not create the container: ${dockerErrorText(error)}`);
      throw new StepFailure('CONTAINER_START_FAILED', `Docker refused to create the container: ${dockerErrorText(error)}`, { evidenceLineNo: line });
    }
    state.candidateId = container.id;
    try {
      await container.start();
    } catch (error) {
      if (this.classifyError(error)) throw error;
      const text = dockerErrorText(error);
      const line = context.stderr(`error: could not start the container: ${text}`);
      if (/port is already allocated|address already in use/i.test(text)) {
        throw new StepFailure('PORT_ALLOCATION_FAILED', `Port ${state.hostPort} on 127.0.0.1 was taken before the container could bind it. Free it or pick another hostPort, then deploy again.`, { evidenceLineNo: line });
      }
      throw new StepFailure('CONTAINER_START_FAILED', `Docker could not start the container: ${text}`, { evidenceLineNo: line });
    }
    context.stdout(`container ${name} ${container.id.slice(0, 12)} started`);
  }

  private async verify(context: StepContext): Promise<void> {
    const state = dockerState(context);
    if (!state.candidateId || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The verify step ran without a container; deploy again.');
    const { healthPath, verifyTimeoutMs } = context.project.settings;
    const url = `http://127.0.0.1:${state.hostPort}${healthPath}`;
    context.stdout(`probing ${url} for up to ${Math.round(verifyTimeoutMs / 1000)} s`);
    const result = await waitForHealthy({
      docker: this.docker,
      containerId: state.candidateId,
      url,
      timeoutMs: verifyTimeoutMs,
      signal: context.signal,
      onAnswer: (answer) => context.stdout(`probe ${url}: ${answer.description}`),
    });
    if (result.kind === 'healthy') {
      context.stdout(`healthy: ${url} answered 2xx after ${(result.afterMs / 1000).toFixed(1)} s`);
      return;
    }
    // Seed 000's "diagnostics appended after probe timeout", for Docker.
    const container = this.docker.getContainer(state.candidateId);
    context.system(`[DIAGNOSTICS] last ${DIAGNOSTIC_LOG_LINES} lines of the container log:`);
    try {
      for (const line of await lastLogLines(container, DIAGNOSTIC_LOG_LINES)) context.stdout(line);
    } catch (error) {
      context.system(`[DIAGNOSTICS] could not read the container log: ${dockerErrorText(error)}`);
    }
    const condition = await containerCondition(this.docker, state.candidateId);
    const stateLine = `[DIAGNOSTICS] container state=${condition.status} exitCode=${condition.exitCode ?? '-'} restarts=${condition.restartCount} oomKilled=${condition.oomKilled}`;
    if (result.kind === 'exited' || condition.exited) {
      const line = context.stderr(`${stateLine}: the process exited with code ${condition.exitCode ?? 'unknown'} during start-up`);
      throw new StepFailure(
        'CONTAINER_START_FAILED',
        condition.oomKilled
          ? `The container was killed for using more than ${context.project.settings.memoryLimitMb} MB while starting. Raise memoryLimitMb or reduce start-up memory.`
          : `The container's process exited with code ${condition.exitCode ?? 'unknown'} before ${healthPath} answered. Check the command, its config and env (see the container log above).`,
        { fallbackEvidenceLineNo: line },
      );
    }
    context.system(stateLine);
    const line = context.stderr(`error: ${url} gave no 2xx answer within ${Math.round(verifyTimeoutMs / 1000)} s; last answer: ${result.last?.description ?? 'none'}`);
    throw new StepFailure(
      'DEPLOYMENT_VERIFICATION_FAILED',
      `The container runs but ${healthPath} never answered 2xx (last answer: ${result.last?.description ?? 'none'}). Make the app serve ${healthPath} on port ${context.project.settings.port}, or raise verifyTimeoutMs if it starts slowly.`,
      { evidenceLineNo: line },
    );
  }

  private async done(context: StepContext): Promise<void> {
    const state = dockerState(context);
    if (!state.candidateId || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The done step ran without a verified container; deploy again.');
    const deploymentId = context.deploymentAtStart.id;
    const current = context.deployment();
    const old = [current.containerId, state.handedOverId].filter((id): id is string => Boolean(id) && id !== state.candidateId);
    // Verified: from now on the project's restart policy looks after the process.
    await applyRestartPolicy(this.docker, state.candidateId, context.project.settings);
    this.engine.monitor.unwatch(deploymentId);
    const retired: string[] = [];
    for (const id of new Set(old)) {
      try {
        await this.docker.getContainer(id).rename({ name: `${containerNameFor(deploymentId)}-old-${context.run.id}` });
        retired.push(id);
      } catch (error) {
        if (!isDockerNotFound(error)) throw error;
      }
    }
    // Anything else still holding the name (e.g. an adopted container) is retired the same way.
    await this.removeByName(containerNameFor(deploymentId), context);
    await this.docker.getContainer(state.candidateId).rename({ name: containerNameFor(deploymentId) });
    state.promoted = true;
    context.updateDeployment({ containerId: state.candidateId, hostPort: state.hostPort, imageRef: context.state.imageRef ?? null, lastExitCode: null });
    context.stdout(`${containerNameFor(deploymentId)} is live at http://127.0.0.1:${state.hostPort}`);
    for (const id of retired) {
      context.system(`[SWAP] retiring the previous container ${id.slice(0, 12)} in the background`);
      void stopAndRemove(this.docker, id, this.engine.config.stopGraceMs, (text) => this.runtimeLine(deploymentId, text.replace('[STOP]', '[SWAP]'))).catch((error: unknown) =>
        log.warn('retiring the previous container failed', error),
      );
    }
  }

  /** Manual rollback run: check the chosen release can still run, and make it the run's image. */
  private async resolveRelease(context: StepContext): Promise<void> {
    const release = context.state.rollbackTo;
    if (!release) throw new StepFailure('MANUAL_ROLLBACK_FAILED', 'No release was chosen to roll back to.');
    const image = release.imageId ?? release.imageRef;
    try {
      await this.docker.getImage(image).inspect();
    } catch (error) {
      if (!isDockerNotFound(error)) throw error;
      const line = context.stderr(`error: the image of release ${release.id} (${release.imageRef}) is no longer on the Docker engine`);
      throw new StepFailure('MANUAL_ROLLBACK_FAILED', `Release ${release.id}'s image ${release.imageRef} was removed from the engine, so it cannot be restored. Pick another release or redeploy.`, {
        evidenceLineNo: line,
      });
    }
    context.state.imageRef = release.imageRef;
    if (release.imageId) context.state.imageId = release.imageId;
    context.stdout(`rolling back to release ${release.id}: ${release.imageRef} (${image})`);
  }

  /** Automatic rollback after a failed verify: the previous release serves again. */
  private async restorePrevious(context: StepContext): Promise<void> {
    const release = context.state.rollbackTo;
    if (!release) throw new StepFailure('AUTOMATIC_ROLLBACK_NO_CANDIDATE', 'There is no earlier release to restore.');
    const state = dockerState(context);
    const deploymentId = context.deploymentAtStart.id;
    context.system(`[ROLLBACK] restoring release ${release.id} (${release.imageRef})`);
    if (state.candidateId) {
      await this.removeContainer(state.candidateId, context);
      state.candidateId = undefined;
    }
    const current = context.deployment();
    let containerId = current.containerId;
    let hostPort = current.hostPort;
    if (state.handedOverId) {
      context.stdout(`starting the previous container ${state.handedOverId.slice(0, 12)} again`);
      await this.docker.getContainer(state.handedOverId).start().catch((error: unknown) => {
        if (!isAlreadyInState(error)) throw error;
      });
      state.handedOverId = undefined;
    } else if (!containerId || !(await this.isRunning(containerId))) {
      // The old container is gone (stopped or crashed meanwhile): recreate it from its image.
      if (containerId) await this.removeContainer(containerId, context);
      hostPort = context.project.settings.hostPort ?? hostPort ?? (await allocateFreePort());
      if (!(await isPortFree(hostPort))) hostPort = await allocateFreePort();
      await this.removeByName(containerNameFor(deploymentId), context);
      const container = await createContainer(this.docker, {
        name: containerNameFor(deploymentId),
        image: release.imageId ?? release.imageRef,
        deploymentId,
        projectId: context.project.id,
        runId: context.run.id,
        settings: context.project.settings,
        hostPort,
      });
      await container.start();
      containerId = container.id;
      context.stdout(`recreated ${containerNameFor(deploymentId)} ${container.id.slice(0, 12)} from ${release.imageRef} on 127.0.0.1:${hostPort}`);
    }
    if (!containerId || hostPort === null) throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', 'The previous release has no container or port to restore.');
    const url = `http://127.0.0.1:${hostPort}${context.project.settings.healthPath}`;
    const result = await waitForHealthy({
      docker: this.docker,
      containerId,
      url,
      timeoutMs: context.project.settings.verifyTimeoutMs,
      signal: context.signal,
      onAnswer: (answer) => context.stdout(`probe ${url}: ${answer.description}`),
    });
    if (result.kind !== 'healthy') {
      const line = context.stderr(`error: the restored release ${release.id} did not answer ${url} (${result.kind})`);
      throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', `Release ${release.id} was restored but ${context.project.settings.healthPath} did not answer 2xx.`, { evidenceLineNo: line });
    }
    context.updateDeployment({ containerId, hostPort, currentReleaseId: release.id, imageRef: release.imageRef });
    context.system(`[ROLLBACK] release ${release.id} is serving again at http://127.0.0.1:${hostPort}`);
  }

  async cleanupRun(context: StepContext): Promise<void> {
    const state = dockerState(context);
    if (state.promoted) return;
    if (state.candidateId) {
      await this.removeContainer(state.candidateId, context);
      context.system(`[CLEANUP] removed the unverified container ${state.candidateId.slice(0, 12)}`);
      state.candidateId = undefined;
    }
    if (state.handedOverId) {
      // The run gave up the fixed port: give it back to the release that was serving.
      try {
        await this.docker.getContainer(state.handedOverId).start();
        context.system(`[CLEANUP] the previous container ${state.handedOverId.slice(0, 12)} serves again`);
      } catch (error) {
        if (!isAlreadyInState(error)) context.system(`[CLEANUP] could not restart the previous container: ${dockerErrorText(error)}`);
      }
      state.handedOverId = undefined;
    }
  }

  async stopDeployment(deployment: Deployment, _project: ProjectRecord, stopLog: TargetStopLog): Promise<void> {
    const grace = this.engine.config.stopGraceMs;
    if (deployment.containerId) await stopAndRemove(this.docker, deployment.containerId, grace, stopLog.system);
    else stopLog.system('[STOP] no container is recorded for this deployment');
    // Candidates and retired containers of the deployment go too: nothing labelled is left behind.
    try {
      for (const info of await containersOf(this.docker, deployment.id)) {
        if (info.Id !== deployment.containerId) await stopAndRemove(this.docker, info.Id, 0, stopLog.system);
      }
    } catch (error) {
      stopLog.system(`[STOP] could not list the deployment's containers: ${dockerErrorText(error)}`);
    }
  }

  async reconcile(deployments: readonly Deployment[], system: (deploymentId: string, text: string) => void): Promise<void> {
    for (const deployment of deployments) {
      try {
        await this.reconcileOne(deployment, (text) => system(deployment.id, text));
      } catch (error) {
        const unreachable = this.classifyError(error);
        system(deployment.id, `[RECONCILE] could not check the container with Docker: ${dockerErrorText(error)}`);
        if (unreachable) return; // the engine is down: every other deployment would fail the same way
      }
    }
  }

  // ---- helpers ----

  /**
   * Makes the deployment row agree with Docker. Containers labelled for this deployment that the
   * row does not track are adopted (a running container of the current release) or removed.
   * Containers of deployments this data dir does not know are left alone: another Berth data dir
   * may own them.
   */
  private async reconcileOne(deployment: Deployment, system: (text: string) => void): Promise<void> {
    const containers = await containersOf(this.docker, deployment.id);
    let tracked = deployment.containerId ? containers.find((info) => info.Id === deployment.containerId) : undefined;
    const changes: Parameters<StepContext['updateDeployment']>[0] = {};
    if (deployment.containerId && !tracked) {
      system(`[RECONCILE] container ${deployment.containerId.slice(0, 12)} no longer exists`);
      changes.containerId = null;
      changes.hostPort = null;
    }
    if (!tracked && deployment.currentReleaseId && deployment.status !== 'stopped') {
      const imageId = this.engine.store.releases.get(deployment.currentReleaseId)?.imageId ?? null;
      const adoptable = imageId === null ? undefined : containers.find((info) => info.State === 'running' && info.ImageID === imageId);
      if (adoptable) {
        const hostPort = adoptable.Ports.find((port) => port.PublicPort)?.PublicPort ?? null;
        const name = containerNameFor(deployment.id);
        if (!adoptable.Names.includes(`/${name}`)) {
          const holder = containers.find((info) => info.Names.includes(`/${name}`));
          if (holder) await this.docker.getContainer(holder.Id).remove({ force: true });
          await this.docker.getContainer(adoptable.Id).rename({ name });
        }
        tracked = adoptable;
        changes.containerId = adoptable.Id;
        changes.hostPort = hostPort;
        system(`[RECONCILE] adopted running container ${adoptable.Id.slice(0, 12)} of release ${deployment.currentReleaseId} as ${name}`);
      }
    }
    for (const info of containers) {
      if (info.Id === tracked?.Id) continue;
      await this.docker.getContainer(info.Id).remove({ force: true, v: true });
      system(`[RECONCILE] removed untracked container ${info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12)}`);
    }
    if (tracked) {
      const condition = await containerCondition(this.docker, tracked.Id);
      if (condition.status === 'running') {
        if (['deploying', 'paused', 'failed', 'crashed', 'stopped', 'pending'].includes(deployment.status) && deployment.currentReleaseId) changes.status = 'running';
      }
      // A tracked container that died while Berth was down is the monitor's to report: its start-up
      // reconcile writes the one [CRASH] line (exit code, OOM, last lines) and sends the notification.
    } else if (['running', 'degraded', 'unreachable', 'deploying', 'paused', 'crashed'].includes(deployment.status)) {
      changes.status = deployment.status === 'crashed' ? 'crashed' : 'stopped';
    }
    if (Object.keys(changes).length > 0) {
      const updated = this.engine.store.deployments.update(deployment.id, changes);
      if (updated) this.engine.events.emit('deploymentUpdated', updated);
    }
  }

  private async isRunning(containerId: string): Promise<boolean> {
    try {
      return (await withDockerTimeout(this.docker.getContainer(containerId).inspect(), 'a container inspect')).State.Running;
    } catch (error) {
      if (isDockerNotFound(error)) return false;
      throw error;
    }
  }

  private async removeContainer(containerId: string, context: StepContext): Promise<void> {
    try {
      await withDockerTimeout(this.docker.getContainer(containerId).remove({ force: true, v: true }), 'a container removal');
    } catch (error) {
      if (!isDockerNotFound(error)) context.system(`could not remove container ${containerId.slice(0, 12)}: ${dockerErrorText(error)}`);
    }
  }

  private async removeByName(name: string, context: StepContext): Promise<void> {
    const found = await withDockerTimeout(this.docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } }), 'a container listing');
    for (const info of found) {
      if (info.Id === context.deployment().containerId) continue;
      await this.removeContainer(info.Id, context);
      context.system(`removed the leftover container ${name} ${info.Id.slice(0, 12)}`);
    }
  }

  private runtimeLine(deploymentId: string, text: string): void {
    try {
      this.engine.logs.system(deploymentId, text, { source: 'runtime' });
    } catch (error) {
      log.warn('could not write a line', error);
    }
  }
}
