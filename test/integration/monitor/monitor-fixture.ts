import Dockerode from 'dockerode';
import { Engine } from '../../../electron/engine/host/engine';
import { DockerMonitor, type DockerMonitorOptions } from '../../../electron/engine/monitor/docker-monitor';
import type { EngineConfig } from '../../../electron/engine/config';
import { berthLabels, containerNameFor } from '../../../electron/engine/docker/labels';
import type { Deployment, Notification, ProjectSettings } from '../../../shared';
import { makeTempDir } from '../../support/temp-dir';

export const BASE_IMAGE = 'berth-test/busybox:1';
/** Everything these tests create carries this prefix, so cleanup can find leftovers. */
export const PREFIX = 'monitor';

/**
 * The test app: httpd answers /health from /www/health (delete the file to make it fail), and
 * the shell prints a numbered line to stdout and stderr every 100 ms.
 */
export const APP_SCRIPT = [
  'mkdir -p /www && echo ok > /www/health',
  'httpd -p 8080 -h /www',
  'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.1; done',
].join('; ');

const SETTINGS: ProjectSettings = {
  port: 8080,
  healthPath: '/health',
  env: [],
  memoryLimitMb: 64,
  restartPolicy: 'unless-stopped',
  keepCrashedContainers: false,
  verifyTimeoutMs: 60_000,
  muteNotifications: false,
};

export interface MonitorHarness {
  readonly engine: Engine;
  /** The Docker monitor itself (the engine's default also routes ECS deployments elsewhere). */
  readonly monitor: DockerMonitor;
  readonly docker: Dockerode;
  readonly notifications: Notification[];
  readonly updates: Deployment[];
  /** Creates a project + running deployment backed by a real labelled container, and watches it. */
  deploy(options?: { name?: string; cmd?: string[]; memoryMb?: number; restartPolicy?: ProjectSettings['restartPolicy']; keep?: boolean; muted?: boolean; stopTimeout?: number }): Promise<{ deployment: Deployment; containerId: string }>;
  systemLines(deploymentId: string): string[];
  close(): Promise<void>;
  /** Closes the engine only: containers and the data dir stay for the next engine. */
  closeEngine(): Promise<void>;
  /** Containers created so far, for a second harness to clean up. */
  readonly containers: string[];
}

export async function startMonitorHarness(
  config: Partial<EngineConfig> = {},
  dataDir?: string,
  adopt: readonly string[] = [],
  monitorOptions: DockerMonitorOptions = {},
): Promise<MonitorHarness> {
  const temp = dataDir ? null : makeTempDir('berth-monitor-');
  const docker = new Dockerode();
  let monitor: DockerMonitor | undefined;
  const engine = await Engine.start({
    docker,
    monitor: (context) => (monitor = new DockerMonitor(context, monitorOptions)),
    config: { dataDir: dataDir ?? temp!.dir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0, healthTimeoutMs: 500, ...config },
  });
  const notifications: Notification[] = [];
  const updates: Deployment[] = [];
  engine.events.on('notification', (notification) => notifications.push(notification));
  engine.events.on('deploymentUpdated', (deployment) => updates.push(deployment));
  const containers: string[] = [...adopt];
  return {
    engine,
    monitor: monitor!,
    docker,
    notifications,
    updates,
    async deploy(options = {}) {
      const name = `${PREFIX}-${options.name ?? 'app'}-${Math.random().toString(36).slice(2, 8)}`;
      const project = engine.store.projects.create({
        name,
        sourceDir: '/tmp',
        target: 'docker',
        settings: {
          ...SETTINGS,
          restartPolicy: options.restartPolicy ?? 'unless-stopped',
          keepCrashedContainers: options.keep ?? false,
          muteNotifications: options.muted ?? false,
        },
      });
      const created = engine.store.deployments.create(project.id, 'docker');
      const memoryBytes = (options.memoryMb ?? 64) * 1024 * 1024;
      const container = await docker.createContainer({
        name: `${PREFIX}-${containerNameFor(created.id)}`,
        Image: BASE_IMAGE,
        Cmd: options.cmd ?? ['sh', '-c', APP_SCRIPT],
        Labels: berthLabels(created.id, project.id),
        ...(options.stopTimeout !== undefined ? { StopTimeout: options.stopTimeout } : {}),
        ExposedPorts: { '8080/tcp': {} },
        HostConfig: {
          PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Memory: memoryBytes,
          MemorySwap: memoryBytes,
          RestartPolicy: { Name: options.restartPolicy ?? 'unless-stopped' },
        },
      });
      containers.push(container.id);
      await container.start();
      const info = await container.inspect();
      const hostPort = Number(info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort);
      engine.store.deployments.update(created.id, { status: 'running', health: 'unknown', containerId: container.id, hostPort, startedAt: Date.parse(info.State.StartedAt) });
      engine.monitor.watch(created.id);
      return { deployment: engine.store.deployments.get(created.id)!, containerId: container.id };
    },
    systemLines(deploymentId) {
      engine.logs.flush();
      return engine.store.logLines
        .since(deploymentId, 0, 100_000)
        .filter((line) => line.stream === 'system')
        .map((line) => line.text);
    },
    containers,
    async closeEngine() {
      await engine.close();
    },
    async close() {
      await engine.close();
      await Promise.all(containers.map((id) => removeContainer(docker, id)));
      temp?.cleanup();
    },
  };
}

/**
 * Removes a test container, retrying for a while: right after an engine restart dockerd may still be
 * restoring it (a restart policy brings it back), and a silent failure left it looping on the machine.
 */
async function removeContainer(docker: Dockerode, id: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await docker.getContainer(id).remove({ force: true });
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      if (attempt === 5) {
        process.stderr.write(`test container ${id.slice(0, 12)} could not be removed: ${(error as Error).message}\n`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Polls until `check` returns a truthy value (waiting on state, not on time). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
