// Container plumbing for the Docker target: create a release's container, read its last log lines,
// and the stop sequence.
import type Dockerode from 'dockerode';
import { withPortVariable, type ProjectSettings } from '../../../shared';
import { dockerErrorText, isDockerNotFound, isNotRunning, withDockerTimeout } from './call';
import { BERTH_LABEL, berthLabels } from './labels';
import { pumpDockerLogs } from './log-demux';
import { openDockerLogStream } from './log-stream';
import type { SocketReader } from './socket-reader';

/** The run that created the container. */
export const RUN_LABEL = 'berth.run';

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly deploymentId: string;
  readonly projectId: string;
  readonly runId: string;
  readonly settings: ProjectSettings;
  /** The port the app listens on inside the container (the settings', else the scan's). */
  readonly containerPort: number;
  readonly hostPort: number;
  /**
   * Create it with no restart policy; `applyRestartPolicy` sets the project's once it is verified. Until
   * then a process that dies at start-up stays exited with its exit code, instead of Docker restarting
   * it (which resets the exit code to 0) while verify is still looking.
   */
  readonly holdRestartPolicy?: boolean;
}

function restartPolicyOf(settings: ProjectSettings): { Name: string; MaximumRetryCount?: number } {
  return { Name: settings.restartPolicy, ...(settings.restartPolicy === 'on-failure' ? { MaximumRetryCount: 5 } : {}) };
}

/** Gives a verified container the project's restart policy (it was created without one). */
export async function applyRestartPolicy(docker: Dockerode, containerId: string, settings: ProjectSettings): Promise<void> {
  await withDockerTimeout(docker.getContainer(containerId).update({ RestartPolicy: restartPolicyOf(settings) }), 'a container update');
}

const MEGABYTE = 1024 * 1024;

export async function createContainer(docker: Dockerode, spec: ContainerSpec): Promise<Dockerode.Container> {
  const port = `${spec.containerPort}/tcp`;
  return docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Env: withPortVariable(spec.settings.env, spec.containerPort).map((variable) => `${variable.name}=${variable.value}`),
    Labels: {
      ...berthLabels(spec.deploymentId, spec.projectId),
      [RUN_LABEL]: spec.runId,
    },
    ExposedPorts: { [port]: {} },
    HostConfig: {
      // Loopback only: a deployment is never reachable from the network by accident.
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(spec.hostPort) }] },
      RestartPolicy: spec.holdRestartPolicy ? { Name: 'no' } : restartPolicyOf(spec.settings),
      Memory: spec.settings.memoryLimitMb * MEGABYTE,
    },
  });
}

/** Every container Berth labelled for `deploymentId` (running or not). */
export async function containersOf(docker: Dockerode, deploymentId: string): Promise<Dockerode.ContainerInfo[]> {
  return withDockerTimeout(docker.listContainers({ all: true, filters: { label: [`${BERTH_LABEL}=true`, `berth.deployment=${deploymentId}`] } }), 'a container listing');
}

/** The container's last `count` lines (stdout and stderr, non-empty), through the same demuxer as the runtime logs. */
export async function lastLogLines(docker: Dockerode, reader: SocketReader, containerId: string, count: number): Promise<string[]> {
  const stream = await withDockerTimeout(openDockerLogStream(docker, reader, containerId, { follow: false, tail: count }), 'a log read', { onLate: (late) => late.destroy() });
  const lines: string[] = [];
  const onLines = (batch: readonly { text: string }[]): void => {
    for (const line of batch) if (line.text !== '') lines.push(line.text);
  };
  try {
    // Berth creates its containers without a TTY, so the stream is framed.
    await withDockerTimeout(pumpDockerLogs(stream, { tty: false, onLines }), 'a log read');
  } finally {
    stream.destroy();
  }
  return lines;
}

const sleep = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/**
 * The stop sequence for one container: SIGTERM → wait `graceMs` → SIGKILL → remove. Each
 * failure is reported through `system` and the sequence carries on; it never throws.
 */
export async function stopAndRemove(docker: Dockerode, containerId: string, graceMs: number, system: (text: string) => void): Promise<void> {
  const container = docker.getContainer(containerId);
  let running = false;
  try {
    running = (await withDockerTimeout(container.inspect(), 'a container inspect')).State.Running;
  } catch (error) {
    if (isDockerNotFound(error)) {
      system(`[STOP] container ${containerId.slice(0, 12)} is already gone`);
      return;
    }
    system(`[STOP] could not inspect container ${containerId.slice(0, 12)}: ${dockerErrorText(error)}`);
  }
  if (running) {
    try {
      await withDockerTimeout(container.kill({ signal: 'SIGTERM' }), 'SIGTERM');
      system(`[STOP] SIGTERM sent to ${containerId.slice(0, 12)}; waiting up to ${Math.round(graceMs / 1000)} s`);
      const outcome = await Promise.race([container.wait().then(() => 'exited' as const), sleep(graceMs)]);
      if (outcome === 'timeout') {
        system(`[STOP] still running after ${Math.round(graceMs / 1000)} s: SIGKILL`);
        try {
          await withDockerTimeout(container.kill({ signal: 'SIGKILL' }), 'SIGKILL');
        } catch (error) {
          if (!isNotRunning(error)) system(`[STOP] SIGKILL failed: ${dockerErrorText(error)}`);
        }
      }
    } catch (error) {
      if (!isNotRunning(error)) system(`[STOP] SIGTERM failed: ${dockerErrorText(error)}`);
    }
  }
  try {
    await withDockerTimeout(container.remove({ force: true, v: true }), 'a container removal');
    system(`[STOP] container ${containerId.slice(0, 12)} removed; its port is released`);
  } catch (error) {
    if (!isDockerNotFound(error)) system(`[STOP] could not remove container ${containerId.slice(0, 12)}: ${dockerErrorText(error)}`);
  }
}
