// Container plumbing for the Docker target: create a release's container, read its last log lines,
// and seed 003's stop sequence.
import type Dockerode from 'dockerode';
import type { ProjectSettings } from '../../../../shared';
import { BERTH_LABEL, berthLabels } from './labels';

/** The run that created the container. */
export const RUN_LABEL = 'berth.run';

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly deploymentId: string;
  readonly projectId: string;
  readonly runId: string;
  readonly settings: ProjectSettings;
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
  await withTimeout(docker.getContainer(containerId).update({ RestartPolicy: restartPolicyOf(settings) }), DOCKER_CALL_TIMEOUT_MS, 'a container update');
}

const MEGABYTE = 1024 * 1024;
/** Longest Berth waits for one Docker API answer before it calls the engine unreachable. */
export const DOCKER_CALL_TIMEOUT_MS = 15_000;

export async function createContainer(docker: Dockerode, spec: ContainerSpec): Promise<Dockerode.Container> {
  const port = `${spec.settings.port}/tcp`;
  return docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Env: spec.settings.env.map((variable) => `${variable.name}=${variable.value}`),
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
  return withTimeout(docker.listContainers({ all: true, filters: { label: [`${BERTH_LABEL}=true`, `berth.deployment=${deploymentId}`] } }), DOCKER_CALL_TIMEOUT_MS, 'a container listing');
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into text; TTY output passes through. */
export function demuxLogs(buffer: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if ((kind !== 0 && kind !== 1 && kind !== 2) || buffer[offset + 1] !== 0 || offset + 8 + size > buffer.length) {
      return out + buffer.subarray(offset).toString('utf8');
    }
    out += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return out + buffer.subarray(offset).toString('utf8');
}

export async function lastLogLines(container: Dockerode.Container, count: number): Promise<string[]> {
  const raw = (await withTimeout(container.logs({ stdout: true, stderr: true, tail: count, follow: false }), DOCKER_CALL_TIMEOUT_MS, 'a log read')) as unknown as Buffer;
  return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)))
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line !== '');
}

export const isMissing = (error: unknown): boolean => (error as { statusCode?: number } | null)?.statusCode === 404;

const sleep = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/**
 * Seed 003's stop sequence for one container: SIGTERM → wait `graceMs` → SIGKILL → remove. Each
 * failure is reported through `system` and the sequence carries on; it never throws.
 */
export async function stopAndRemove(docker: Dockerode, containerId: string, graceMs: number, system: (text: string) => void): Promise<void> {
  const container = docker.getContainer(containerId);
  let running = false;
  try {
    running = (await withTimeout(container.inspect(), DOCKER_CALL_TIMEOUT_MS, 'a container inspect')).State.Running;
  } catch (error) {
    if (isMissing(error)) {
      system(`[STOP] container ${containerId.slice(0, 12)} is already gone`);
      return;
    }
    system(`[STOP] could not inspect container ${containerId.slice(0, 12)}: ${message(error)}`);
  }
  if (running) {
    try {
      await withTimeout(container.kill({ signal: 'SIGTERM' }), DOCKER_CALL_TIMEOUT_MS, 'SIGTERM');
      system(`[STOP] SIGTERM sent to ${containerId.slice(0, 12)}; waiting up to ${Math.round(graceMs / 1000)} s`);
      const outcome = await Promise.race([container.wait().then(() => 'exited' as const), sleep(graceMs)]);
      if (outcome === 'timeout') {
        system(`[STOP] still running after ${Math.round(graceMs / 1000)} s: SIGKILL`);
        try {
          await withTimeout(container.kill({ signal: 'SIGKILL' }), DOCKER_CALL_TIMEOUT_MS, 'SIGKILL');
        } catch (error) {
          if (!isNotRunning(error)) system(`[STOP] SIGKILL failed: ${message(error)}`);
        }
      }
    } catch (error) {
      if (!isNotRunning(error)) system(`[STOP] SIGTERM failed: ${message(error)}`);
    }
  }
  try {
    await withTimeout(container.remove({ force: true, v: true }), DOCKER_CALL_TIMEOUT_MS, 'a container removal');
    system(`[STOP] container ${containerId.slice(0, 12)} removed; its port is released`);
  } catch (error) {
    if (!isMissing(error)) system(`[STOP] could not remove container ${containerId.slice(0, 12)}: ${message(error)}`);
  }
}

const isNotRunning = (error: unknown): boolean => (error as { statusCode?: number } | null)?.statusCode === 409 || isMissing(error);

export function message(error: unknown): string {
  if (error && typeof error === 'object' && 'json' in error) {
    const json = (error as { json?: { message?: string } }).json;
    if (json?.message) return json.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Bounds a Docker call: a dockerd that is shutting down (or a DOCKER_HOST that blackholes) can
 * accept a request and never answer. The error carries code ETIMEDOUT, which the target classifies
 * as DOCKER_ENGINE_UNREACHABLE.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`The Docker engine did not answer ${what} within ${Math.round(ms / 1000)} s.`), { code: 'ETIMEDOUT' })), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

