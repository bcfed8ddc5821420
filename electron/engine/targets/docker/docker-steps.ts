// The Docker steps as standalone units, laid out like the ECS ones: each takes one `DockerStepCall`
// and leaves what the next step needs in the run's typed state. docker-target.ts strings them together.
//
// How a new release replaces the old one (the swap):
// - The new release starts as a *candidate* container `berth-<deploymentId>-next` on its own host
//   port, next to the container that is serving. Only `verify` probes it.
// - `promote` (the done step) renames the old container `berth-<deploymentId>-old-<runId>`, the
//   candidate `berth-<deploymentId>`, points the deployment row at it, and stops (SIGTERM, grace,
//   SIGKILL) and removes the old container in the background.
// - If verify fails, the candidate is removed and the old container never stopped serving: the
//   automatic rollback only has to confirm it still answers (or recreate it from its image).
// - With a fixed `hostPort` both cannot hold the port at once: the old container is stopped (not
//   removed) in `deploy` to hand the port over, and started again if the run fails or is stopped.
// With an allocated port the host port therefore changes on each redeploy.
import type Dockerode from 'dockerode';
import { describeHealthCheck, effectiveHealthCheck, effectivePort, type HealthCheck } from '../../../../shared';
import type { MonitorPort } from '../../context';
import { dockerErrorText, isAlreadyInState, isDockerNotFound, withDockerTimeout } from '../../docker/call';
import { applyRestartPolicy, createContainer, lastLogLines, stopAndRemove } from '../../docker/containers';
import { containerNameFor } from '../../docker/labels';
import type { SocketReader } from '../../docker/socket-reader';
import { createLogger } from '../../logger';
import { StepFailure } from '../../step-failure';
import { listeningPortIn } from '../listening-port';
import { buildProjectImage } from '../project-build';
import { scanForRun } from '../scan-for-run';
import type { StepContext } from '../target';
import type { StackRunState } from '../compose/stack-state';
import { runImageTagOf } from './image-retention';
import { allocateFreePort, isPortFree } from './ports';
import { containerCondition, waitUntilServing } from './verify';

const log = createLogger('targets/docker');

const DIAGNOSTIC_LOG_LINES = 30;

export const candidateNameFor = (deploymentId: string): string => `${containerNameFor(deploymentId)}-next`;

/** What the Docker steps hand each other within one run. */
export interface DockerRunState {
  hostPort?: number;
  candidateId?: string;
  /** The previous release's container, stopped to hand over a fixed host port. */
  handedOverId?: string;
  promoted?: boolean;
  /** Set by detect when the project is a Compose stack: every later step is the stack's (targets/compose/). */
  stack?: StackRunState;
}

/** What every Docker step works with. */
export interface DockerStepCall {
  readonly docker: Dockerode;
  /** The engine's one reader of Docker log sockets (for the diagnostics' last lines). */
  readonly socketReader: SocketReader;
  readonly context: StepContext<DockerRunState>;
  readonly monitor: MonitorPort;
  readonly stopGraceMs: number;
  /** The engine's BERTH_BASE_IMAGE_* for zero-config builds. */
  readonly baseImageEnv: Readonly<Record<string, string>>;
  /** A runtime system line for the deployment (the old container is retired after the run has ended). */
  readonly runtimeLine: (text: string) => void;
  /** The engine-unreachable failure for an error, if it is one (see DockerTarget.classifyError). */
  readonly unreachable: (error: unknown) => StepFailure | undefined;
}

/** The port the run's container listens on: the settings', else the scan's (shared/effective-settings.ts). */
export const containerPortOf = (context: StepContext<DockerRunState>): number => effectivePort(context.project.settings, context.state.scan ?? null).value;

/** What verify probes and the release goes live with. */
export const healthCheckOf = (context: StepContext<DockerRunState>): HealthCheck => effectiveHealthCheck(context.project.settings, context.state.scan ?? null).value;

// ---- detect ----------------------------------------------------------------------------------------

/** The engine answers, then the scan: shape, build plan, port and health route, each with its evidence. */
export async function detect({ docker, context, unreachable }: DockerStepCall): Promise<void> {
  try {
    const version = await withDockerTimeout(docker.version(), 'a version request');
    context.stdout(`Docker engine ${version.Version} (API ${version.ApiVersion}) on ${version.Os}/${version.Arch}`);
  } catch (error) {
    const failure = unreachable(error);
    if (failure) {
      context.stderr(`error: cannot connect to the Docker engine: ${dockerErrorText(error)}`);
      throw failure;
    }
    throw error;
  }
  await scanForRun(context);
}

// ---- build ----------------------------------------------------------------------------------------

export async function build({ docker, context, baseImageEnv }: DockerStepCall): Promise<void> {
  // No image labels: the classic builder commits a container for each one. Image retention finds the image by
  // this tag, from the run's id in the store (image-retention.ts).
  const tag = runImageTagOf(context.project.slug, context.run.id);
  const image = await buildProjectImage({ docker, context, tag, baseImageEnv });
  context.state.imageRef = image.imageRef;
  context.state.imageId = image.imageId;
}

// ---- setup ----------------------------------------------------------------------------------------

/** Chooses the candidate's host port: an allocated one, or the configured one (taken over from the current release if it holds it). */
export async function setup(call: DockerStepCall): Promise<void> {
  const { context } = call;
  const { state } = context;
  await removeByName(call, candidateNameFor(context.deploymentAtStart.id));
  const fixed = context.project.settings.hostPort;
  const current = context.deploymentAtStart;
  if (fixed === undefined) {
    state.hostPort = await allocateFreePort();
    context.stdout(`host port 127.0.0.1:${state.hostPort} allocated → container port ${containerPortOf(context)}/tcp`);
    return;
  }
  if (current.hostPort === fixed && current.containerId && (await isRunning(call.docker, current.containerId))) {
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
  context.stdout(`host port 127.0.0.1:${fixed} (configured) → container port ${containerPortOf(context)}/tcp`);
}

// ---- deploy ---------------------------------------------------------------------------------------

/** Starts the candidate container (after handing a fixed port over from the current release). */
export async function deploy({ docker, context, monitor, stopGraceMs, unreachable }: DockerStepCall): Promise<void> {
  const { state, project } = context;
  const deploymentId = context.deploymentAtStart.id;
  const image = state.imageId ?? state.imageRef;
  if (!image || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The deploy step ran without an image or a host port; deploy again.');

  const current = context.deployment();
  if (current.containerId && current.hostPort === state.hostPort) {
    context.system(`[SWAP] stopping the current release's container ${current.containerId.slice(0, 12)} to hand over port ${state.hostPort}`);
    monitor.unwatch(deploymentId);
    state.handedOverId = current.containerId;
    await docker.getContainer(current.containerId).stop({ t: Math.ceil(stopGraceMs / 1000) }).catch((error: unknown) => {
      if (!isDockerNotFound(error) && !isAlreadyInState(error)) throw error;
    });
  }

  const name = candidateNameFor(deploymentId);
  const port = containerPortOf(context);
  const env = project.settings.env.map((variable) => `${variable.name}=${variable.secret ? '••••••' : variable.value}`);
  const portVariable = project.settings.env.some((variable) => variable.name === 'PORT') ? 'PORT as the project sets it' : `PORT=${port}`;
  context.stdout(`creating container ${name} from ${state.imageRef ?? image}`);
  context.stdout(`  memory limit ${project.settings.memoryLimitMb} MB, restart policy ${project.settings.restartPolicy} once verified, 127.0.0.1:${state.hostPort} → ${port}/tcp, ${portVariable}`);
  if (env.length > 0) context.stdout(`  env: ${env.join(' ')}`);
  let container: Dockerode.Container;
  try {
    container = await createContainer(docker, {
      name,
      image,
      deploymentId,
      projectId: project.id,
      runId: context.run.id,
      settings: project.settings,
      containerPort: port,
      hostPort: state.hostPort,
      holdRestartPolicy: true,
    });
  } catch (error) {
    if (unreachable(error)) throw error;
    const line = context.stderr(`error: could not create the container: ${dockerErrorText(error)}`);
    throw new StepFailure('CONTAINER_START_FAILED', `Docker refused to create the container: ${dockerErrorText(error)}`, { evidenceLineNo: line });
  }
  state.candidateId = container.id;
  try {
    await container.start();
  } catch (error) {
    if (unreachable(error)) throw error;
    const text = dockerErrorText(error);
    const line = context.stderr(`error: could not start the container: ${text}`);
    if (/port is already allocated|address already in use/i.test(text)) {
      throw new StepFailure('PORT_ALLOCATION_FAILED', `Port ${state.hostPort} on 127.0.0.1 was taken before the container could bind it. Free it or pick another hostPort, then deploy again.`, { evidenceLineNo: line });
    }
    throw new StepFailure('CONTAINER_START_FAILED', `Docker could not start the container: ${text}`, { evidenceLineNo: line });
  }
  context.stdout(`container ${name} ${container.id.slice(0, 12)} started`);
}

// ---- verify ---------------------------------------------------------------------------------------

/** "2xx or 3xx", "below 500": what the health check counts as an answer, for the log and the failure. */
const ruleWords = (check: HealthCheck): string => (check.rule === 'status_2xx_3xx' ? '2xx or 3xx' : 'below 500');

/** Probes the candidate until it serves; otherwise appends diagnostics and says why it failed. */
export async function verify({ docker, socketReader, context }: DockerStepCall): Promise<void> {
  const { state } = context;
  if (!state.candidateId || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The verify step ran without a container; deploy again.');
  const { verifyTimeoutMs } = context.project.settings;
  const check = healthCheckOf(context);
  const port = containerPortOf(context);
  const url = `http://127.0.0.1:${state.hostPort}${check.path}`;
  context.stdout(`probing ${url} for up to ${Math.round(verifyTimeoutMs / 1000)} s: ${describeHealthCheck(check)}`);
  const outcome = await waitUntilServing({
    docker,
    containerId: state.candidateId,
    url,
    rule: check.rule,
    timeoutMs: verifyTimeoutMs,
    signal: context.signal,
    onAnswer: (answer) => context.stdout(`probe ${url}: ${answer.description}`),
  });
  if (outcome.kind === 'healthy') {
    context.stdout(`healthy: ${url} answered ${outcome.result.description} after ${(outcome.afterMs / 1000).toFixed(1)} s`);
    return;
  }
  // Diagnostics appended after the probes, for Docker.
  context.system(`[DIAGNOSTICS] last ${DIAGNOSTIC_LOG_LINES} lines of the container log:`);
  const appLines: Array<{ lineNo: number; text: string }> = [];
  try {
    for (const text of await lastLogLines(docker, socketReader, state.candidateId, DIAGNOSTIC_LOG_LINES)) appLines.push({ lineNo: context.stdout(text), text });
  } catch (error) {
    context.system(`[DIAGNOSTICS] could not read the container log: ${dockerErrorText(error)}`);
  }
  const condition = await containerCondition(docker, state.candidateId);
  const stateLine = `[DIAGNOSTICS] container state=${condition.status} exitCode=${condition.exitCode ?? '-'} restarts=${condition.restartCount} oomKilled=${condition.oomKilled}`;
  if (outcome.kind === 'gave-up' || condition.exited) {
    const line = context.stderr(`${stateLine}: the process exited with code ${condition.exitCode ?? 'unknown'} during start-up`);
    throw new StepFailure(
      'CONTAINER_START_FAILED',
      condition.oomKilled
        ? `The container was killed for using more than ${context.project.settings.memoryLimitMb} MB while starting. Raise memoryLimitMb or reduce start-up memory.`
        : `The container's process exited with code ${condition.exitCode ?? 'unknown'} before ${check.path} answered. Check the command, its config and env (see the container log above).`,
      { fallbackEvidenceLineNo: line },
    );
  }
  context.system(stateLine);
  const last = outcome.last.description;
  const timeout = `${Math.round(verifyTimeoutMs / 1000)} s`;
  // The app's own word on where it listens beats a guess: when it names another port, that is the cause.
  const listening = listeningPortIn(appLines.map((line) => line.text));
  if (listening && listening.port !== port) {
    context.stderr(`error: the app listens on port ${listening.port} (its log: "${listening.line.trim()}"), but Berth sends traffic to container port ${port}; ${url} gave no ${ruleWords(check)} answer within ${timeout}`);
    throw new StepFailure(
      'DEPLOYMENT_VERIFICATION_FAILED',
      `The app listens on port ${listening.port}, not on port ${port} where Berth sends traffic (the evidence is the app's own log line). Make it listen on the PORT environment variable (Berth sets PORT=${port}), or set the project's port to ${listening.port}.`,
      { evidenceLineNo: appLines[listening.index]!.lineNo },
    );
  }
  const line = context.stderr(`error: ${url} gave no ${ruleWords(check)} answer within ${timeout}; last answer: ${last}`);
  throw new StepFailure(
    'DEPLOYMENT_VERIFICATION_FAILED',
    check.rule === 'status_2xx_3xx'
      ? `The container runs but ${check.path} never answered 2xx or 3xx (last answer: ${last}). Make the app serve ${check.path} on port ${port}, or raise verifyTimeoutMs if it starts slowly.`
      : `The container runs but the app never answered HTTP on port ${port} (last answer: ${last}). Make it listen on 0.0.0.0 at the PORT environment variable (Berth sets PORT=${port}), or raise verifyTimeoutMs if it starts slowly.`,
    { evidenceLineNo: line },
  );
}

// ---- done -----------------------------------------------------------------------------------------

/** The done step: the verified candidate becomes `berth-<deployment>`, the old container is retired. */
export async function promote(call: DockerStepCall): Promise<void> {
  const { docker, context, monitor } = call;
  const { state } = context;
  if (!state.candidateId || state.hostPort === undefined) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'The done step ran without a verified container; deploy again.');
  const deploymentId = context.deploymentAtStart.id;
  const current = context.deployment();
  const old = [current.containerId, state.handedOverId].filter((id): id is string => Boolean(id) && id !== state.candidateId);
  // Verified: from now on the project's restart policy looks after the process.
  await applyRestartPolicy(docker, state.candidateId, context.project.settings);
  monitor.unwatch(deploymentId);
  const retired: string[] = [];
  for (const id of new Set(old)) {
    try {
      await docker.getContainer(id).rename({ name: `${containerNameFor(deploymentId)}-old-${context.run.id}` });
      retired.push(id);
    } catch (error) {
      if (!isDockerNotFound(error)) throw error;
    }
  }
  // Anything else still holding the name (e.g. an adopted container) is retired the same way.
  await removeByName(call, containerNameFor(deploymentId));
  await docker.getContainer(state.candidateId).rename({ name: containerNameFor(deploymentId) });
  state.promoted = true;
  context.updateDeployment({ containerId: state.candidateId, hostPort: state.hostPort, imageRef: state.imageRef ?? null, lastExitCode: null, healthCheck: healthCheckOf(context) });
  context.stdout(`${containerNameFor(deploymentId)} is live at http://127.0.0.1:${state.hostPort}`);
  for (const id of retired) {
    context.system(`[SWAP] retiring the previous container ${id.slice(0, 12)} in the background`);
    void stopAndRemove(docker, id, call.stopGraceMs, (text) => call.runtimeLine(text.replace('[STOP]', '[SWAP]'))).catch((error: unknown) =>
      log.warn('retiring the previous container failed', error),
    );
  }
}

// ---- rollback -------------------------------------------------------------------------------------

/** Manual rollback run: check the chosen release can still run, and make it the run's image. */
export async function resolveRelease({ docker, context }: DockerStepCall): Promise<void> {
  const release = context.state.rollbackTo;
  if (!release) throw new StepFailure('MANUAL_ROLLBACK_FAILED', 'No release was chosen to roll back to.');
  const image = release.imageId ?? release.imageRef;
  try {
    await docker.getImage(image).inspect();
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
  // The release runs with the port and health route its own scan found.
  const scan = context.scanOfRelease(release);
  if (scan) context.recordScan(scan);
}

/** Automatic rollback after a failed verify: the previous release serves again. */
export async function restorePrevious(call: DockerStepCall): Promise<void> {
  const { docker, context } = call;
  const { state } = context;
  const release = state.rollbackTo;
  if (!release) throw new StepFailure('AUTOMATIC_ROLLBACK_NO_CANDIDATE', 'There is no earlier release to restore.');
  const deploymentId = context.deploymentAtStart.id;
  context.system(`[ROLLBACK] restoring release ${release.id} (${release.imageRef})`);
  // The restored release keeps its own port and health check, not the failed run's.
  const releaseScan = context.scanOfRelease(release);
  const containerPort = effectivePort(context.project.settings, releaseScan).value;
  const check = context.deployment().healthCheck ?? effectiveHealthCheck(context.project.settings, releaseScan).value;
  if (state.candidateId) {
    await removeContainer(call, state.candidateId);
    state.candidateId = undefined;
  }
  const current = context.deployment();
  let containerId = current.containerId;
  let hostPort = current.hostPort;
  if (state.handedOverId) {
    context.stdout(`starting the previous container ${state.handedOverId.slice(0, 12)} again`);
    await docker.getContainer(state.handedOverId).start().catch((error: unknown) => {
      if (!isAlreadyInState(error)) throw error;
    });
    state.handedOverId = undefined;
  } else if (!containerId || !(await isRunning(docker, containerId))) {
    // The old container is gone (stopped or crashed meanwhile): recreate it from its image.
    if (containerId) await removeContainer(call, containerId);
    hostPort = context.project.settings.hostPort ?? hostPort ?? (await allocateFreePort());
    if (!(await isPortFree(hostPort))) hostPort = await allocateFreePort();
    await removeByName(call, containerNameFor(deploymentId));
    const container = await createContainer(docker, {
      name: containerNameFor(deploymentId),
      image: release.imageId ?? release.imageRef,
      deploymentId,
      projectId: context.project.id,
      runId: context.run.id,
      settings: context.project.settings,
      containerPort,
      hostPort,
    });
    await container.start();
    containerId = container.id;
    context.stdout(`recreated ${containerNameFor(deploymentId)} ${container.id.slice(0, 12)} from ${release.imageRef} on 127.0.0.1:${hostPort}`);
  }
  if (!containerId || hostPort === null) throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', 'The previous release has no container or port to restore.');
  const url = `http://127.0.0.1:${hostPort}${check.path}`;
  const outcome = await waitUntilServing({
    docker,
    containerId,
    url,
    rule: check.rule,
    timeoutMs: context.project.settings.verifyTimeoutMs,
    signal: context.signal,
    onAnswer: (answer) => context.stdout(`probe ${url}: ${answer.description}`),
  });
  if (outcome.kind !== 'healthy') {
    const line = context.stderr(`error: the restored release ${release.id} did not answer ${url} (${outcome.kind === 'gave-up' ? 'exited' : 'timeout'})`);
    throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', `Release ${release.id} was restored but ${check.path} did not answer ${ruleWords(check)}.`, { evidenceLineNo: line });
  }
  context.updateDeployment({ containerId, hostPort, currentReleaseId: release.id, imageRef: release.imageRef, healthCheck: check });
  context.system(`[ROLLBACK] release ${release.id} is serving again at http://127.0.0.1:${hostPort}`);
}

// ---- after a run that did not complete ------------------------------------------------------------

/** Removes an unverified candidate and gives a handed-over fixed port back to the release that served. */
export async function cleanupRun(call: DockerStepCall): Promise<void> {
  const { docker, context } = call;
  const { state } = context;
  if (state.promoted) return;
  if (state.candidateId) {
    await removeContainer(call, state.candidateId);
    context.system(`[CLEANUP] removed the unverified container ${state.candidateId.slice(0, 12)}`);
    state.candidateId = undefined;
  }
  if (state.handedOverId) {
    try {
      await docker.getContainer(state.handedOverId).start();
      context.system(`[CLEANUP] the previous container ${state.handedOverId.slice(0, 12)} serves again`);
    } catch (error) {
      if (!isAlreadyInState(error)) context.system(`[CLEANUP] could not restart the previous container: ${dockerErrorText(error)}`);
    }
    state.handedOverId = undefined;
  }
}

// ---- helpers --------------------------------------------------------------------------------------

export async function isRunning(docker: Dockerode, containerId: string): Promise<boolean> {
  try {
    return (await withDockerTimeout(docker.getContainer(containerId).inspect(), 'a container inspect')).State.Running;
  } catch (error) {
    if (isDockerNotFound(error)) return false;
    throw error;
  }
}

async function removeContainer({ docker, context }: DockerStepCall, containerId: string): Promise<void> {
  try {
    await withDockerTimeout(docker.getContainer(containerId).remove({ force: true, v: true }), 'a container removal');
  } catch (error) {
    if (!isDockerNotFound(error)) context.system(`could not remove container ${containerId.slice(0, 12)}: ${dockerErrorText(error)}`);
  }
}

/** Removes leftovers holding `name` (never the deployment's own current container). */
async function removeByName(call: DockerStepCall, name: string): Promise<void> {
  const found = await withDockerTimeout(call.docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } }), 'a container listing');
  for (const info of found) {
    if (info.Id === call.context.deployment().containerId) continue;
    await removeContainer(call, info.Id);
    call.context.system(`removed the leftover container ${name} ${info.Id.slice(0, 12)}`);
  }
}
