// An engine with the Docker monitor and real alert delivery, for the alert tests: the monitor fixture's
// containers (labelled, watched as if a run had put them live), a test vault that really seals secrets, and the
// environment the engine reads `env` secrets from. Receivers are loopback servers the tests start.
import Dockerode from 'dockerode';
import { Engine } from '../../../electron/engine/host/engine';
import { DockerMonitor } from '../../../electron/engine/monitor/docker-monitor';
import type { EngineConfig } from '../../../electron/engine/config';
import { berthLabels, containerNameFor } from '../../../electron/engine/docker/labels';
import type { ChannelCreate, Deployment, Notification, ProjectSettings, RequestInput, RequestName, RequestOutput, RuleCreate } from '../../../shared';
import { createTestVault } from '../../support/test-vault';
import { makeTempDir } from '../../support/temp-dir';
import { APP_SCRIPT, BASE_IMAGE } from '../monitor/monitor-fixture';

const PREFIX = 'alerts';

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

export interface AlertsHarness {
  readonly engine: Engine;
  readonly monitor: DockerMonitor;
  readonly docker: Dockerode;
  readonly dataDir: string;
  readonly notifications: Notification[];
  /** A request through the engine's dispatcher (validated by the contract, as HTTP and IPC are); throws on an error. */
  call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  channel(input: ChannelCreate): Promise<string>;
  rule(input: RuleCreate): Promise<string>;
  deploy(options?: { name?: string; cmd?: string[]; memoryMb?: number; restartPolicy?: ProjectSettings['restartPolicy']; muted?: boolean }): Promise<{ deployment: Deployment; containerId: string; projectId: string }>;
  systemLines(deploymentId: string): string[];
  /** Closes the engine only (once), keeping the containers and the data dir, as a restart does. */
  stopEngine(): Promise<void>;
  /** The engine (unless already stopped), the containers this harness made, and its temp data dir. */
  close(): Promise<void>;
}

export async function startAlertsHarness(options: { config?: Partial<EngineConfig>; env?: NodeJS.ProcessEnv; dataDir?: string } = {}): Promise<AlertsHarness> {
  const temp = options.dataDir ? null : makeTempDir('berth-alerts-');
  const dataDir = options.dataDir ?? temp!.dir;
  const docker = new Dockerode();
  let monitor: DockerMonitor | undefined;
  const engine = await Engine.start({
    docker,
    monitor: (context) => (monitor = new DockerMonitor(context)),
    vault: createTestVault(Buffer.alloc(32, 7)),
    env: options.env ?? {},
    config: { dataDir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0, healthTimeoutMs: 500, alertRetryMs: 200, alertTimeoutMs: 5000, alertCheckMs: 500, ...options.config },
  });
  const notifications: Notification[] = [];
  engine.events.on('notification', (notification) => notifications.push(notification));
  const containers: string[] = [];
  let engineClosed: Promise<void> | undefined;
  const stopEngine = (): Promise<void> => (engineClosed ??= engine.close());
  const call = async <N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> => {
    const result = await engine.dispatch(name, input);
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  return {
    engine,
    monitor: monitor!,
    docker,
    dataDir,
    notifications,
    call,
    channel: async (input) => (await call('createAlertChannel', input)).id,
    rule: async (input) => (await call('createAlertRule', input)).id,
    async deploy(deployOptions = {}) {
      const name = `${PREFIX}-${deployOptions.name ?? 'app'}-${Math.random().toString(36).slice(2, 8)}`;
      const project = engine.store.projects.create({
        name,
        sourceDir: '/tmp',
        target: 'docker',
        settings: { ...SETTINGS, restartPolicy: deployOptions.restartPolicy ?? 'unless-stopped', muteNotifications: deployOptions.muted ?? false, memoryLimitMb: deployOptions.memoryMb ?? 64 },
      });
      const created = engine.store.deployments.create(project.id, 'docker');
      const memoryBytes = (deployOptions.memoryMb ?? 64) * 1024 * 1024;
      const container = await docker.createContainer({
        name: `${PREFIX}-${containerNameFor(created.id)}`,
        Image: BASE_IMAGE,
        Cmd: deployOptions.cmd ?? ['sh', '-c', APP_SCRIPT],
        Labels: berthLabels(created.id, project.id),
        HostConfig: { Memory: memoryBytes, MemorySwap: memoryBytes, RestartPolicy: { Name: deployOptions.restartPolicy ?? 'unless-stopped' } },
      });
      containers.push(container.id);
      await container.start();
      const info = await container.inspect();
      engine.store.deployments.update(created.id, { status: 'running', health: 'unknown', containerId: container.id, startedAt: Date.parse(info.State.StartedAt) });
      engine.monitor.watch(created.id);
      return { deployment: engine.store.deployments.get(created.id)!, containerId: container.id, projectId: project.id };
    },
    systemLines(deploymentId) {
      engine.logs.flush();
      return engine.store.logLines
        .since(deploymentId, 0, 100_000)
        .filter((line) => line.stream === 'system')
        .map((line) => line.text);
    },
    stopEngine,
    async close() {
      await stopEngine();
      await Promise.all(containers.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
      temp?.cleanup();
    },
  };
}
