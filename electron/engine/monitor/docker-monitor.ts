// Runtime monitoring of Docker deployments (docs/product-rules.md, "Monitoring"): for each watched container, its runtime logs
// (RuntimeLogFollower), metric samples (MetricsSampler), the health rule (HealthPoller) and crash
// detection (CrashWatcher). This class only keeps the list of watched containers and wires the four.
import type Dockerode from 'dockerode';
import { effectiveHealthCheck, isLiveDeployment, type Deployment } from '../../../shared';
import type { DeploymentsPort, LogLinesPort, ProjectsPort, StatePort } from '../context';
import type { SocketReader } from '../docker/socket-reader';
import { createLogger } from '../logger';
import type { LogLineRepository } from '../store/log-lines';
import type { MetricRepository } from '../store/metrics';
import { CrashWatcher, type WatchedContainer } from './crash-watcher';
import type { DeploymentMonitor } from './deployment-monitor';
import { DeploymentQueue } from './deployment-queue';
import { HealthPoller } from './health-poller';
import { MetricsSampler } from './metrics-sampler';
import type { Notifier } from './notifier';
import { RuntimeLogFollower, type RuntimeLogFollowerOptions } from './runtime-log-follower';
import { StackMonitor } from './stack-monitor';

const log = createLogger('monitor');

export interface DockerMonitorContext {
  readonly docker: Dockerode;
  readonly deployments: DeploymentsPort;
  readonly projects: ProjectsPort;
  readonly metrics: Pick<MetricRepository, 'insertSamples' | 'insertProbe'>;
  readonly storedLines: Pick<LogLineRepository, 'runtimeOutputSince' | 'lastRuntimeOutputTs'>;
  readonly state: StatePort;
  readonly logs: LogLinesPort;
  readonly notifier: Notifier;
  /** The engine's one reader of Docker log sockets (a worker thread). */
  readonly socketReader: SocketReader;
  readonly config: { readonly healthIntervalMs: number; readonly healthTimeoutMs: number; readonly metricsIntervalMs: number };
}

export interface DockerMonitorOptions {
  readonly follower?: RuntimeLogFollowerOptions;
  /** Back-off of the Docker event subscription after it breaks. */
  readonly eventRetryMs?: number;
  /** How long a dead `always`/`unless-stopped` container is watched before it counts as stopped by hand (crash-watcher.ts). */
  readonly engineShutdownWatchMs?: number;
}

export class DockerMonitor implements DeploymentMonitor {
  private readonly watches = new Map<string, WatchedContainer>();
  private readonly queue = new DeploymentQueue();
  private readonly health: HealthPoller;
  private readonly metrics: MetricsSampler;
  private readonly crashes: CrashWatcher;
  /** Compose stacks: their services' containers (stack-monitor.ts). */
  private readonly stacks: StackMonitor;
  private closed = false;

  constructor(
    private readonly context: DockerMonitorContext,
    private readonly options: DockerMonitorOptions = {},
  ) {
    const { docker, deployments, projects, logs, notifier, config } = context;
    this.health = new HealthPoller({ deployments, probes: context.metrics, logs, notifier, timeoutMs: config.healthTimeoutMs, queue: this.queue });
    this.metrics = new MetricsSampler({ docker, deployments, samples: context.metrics });
    this.stacks = new StackMonitor({
      docker,
      deployments,
      projects,
      state: context.state,
      logs,
      notifier,
      storedLines: context.storedLines,
      socketReader: context.socketReader,
      queue: this.queue,
      metrics: this.metrics,
      ...(options.follower ? { follower: options.follower } : {}),
    });
    this.crashes = new CrashWatcher({
      docker,
      deployments,
      projects,
      state: context.state,
      logs,
      notifier,
      queue: this.queue,
      watched: (deploymentId) => this.watches.get(deploymentId),
      allWatched: () => this.watches.values(),
      lifeChanged: (deploymentId) => {
        this.health.reset(deploymentId);
        this.metrics.reset(deploymentId);
      },
      forget: (watched) => this.drop(watched),
      otherEvent: (event) => this.stacks.onEvent(event),
      reconnected: () => this.stacks.reconcileAll(),
      ...(options.eventRetryMs !== undefined ? { eventRetryMs: options.eventRetryMs } : {}),
      ...(options.engineShutdownWatchMs !== undefined ? { engineShutdownWatchMs: options.engineShutdownWatchMs } : {}),
    });
  }

  watch(deploymentId: string): void {
    if (this.closed) return;
    const deployment = this.context.deployments.get(deploymentId);
    if (deployment?.target === 'docker' && deployment.services) {
      this.unwatch(deploymentId);
      this.stacks.watch(deployment);
      this.watchHealth(deployment);
      return;
    }
    if (!deployment || deployment.target !== 'docker' || !deployment.containerId) {
      log.debug(`not watching ${deploymentId}: no Docker container`);
      return;
    }
    const existing = this.watches.get(deploymentId);
    if (existing?.containerId === deployment.containerId) return;
    if (existing) this.drop(existing);
    const follower = new RuntimeLogFollower(
      this.context.docker,
      { logs: this.context.logs, stored: this.context.storedLines, state: this.context.state, reader: this.context.socketReader },
      deploymentId,
      deployment.containerId,
      this.options.follower,
    );
    this.watches.set(deploymentId, { deploymentId, containerId: deployment.containerId, follower });
    this.watchHealth(deployment);
    this.metrics.watch(deploymentId, deployment.containerId);
    follower.start();
  }

  /** Health probes of the deployment's host port (a stack's: its public service's). */
  private watchHealth(deployment: Deployment): void {
    this.health.watch(deployment, (current) => {
      if (current.hostPort === null) return null;
      // What the live release was verified with; a deployment made before scans has none stored.
      const check = current.healthCheck ?? effectiveHealthCheck(this.context.projects.get(current.projectId)?.settings ?? {}, null).value;
      return { url: `http://127.0.0.1:${current.hostPort}${check.path}`, rule: check.rule };
    });
  }

  unwatch(deploymentId: string): void {
    const watched = this.watches.get(deploymentId);
    if (watched) this.drop(watched);
    if (this.stacks.isWatched(deploymentId)) {
      this.stacks.unwatch(deploymentId);
      this.health.unwatch(deploymentId);
    }
  }

  async start(): Promise<void> {
    for (const deployment of this.context.deployments.list()) {
      if (deployment.target === 'docker' && (deployment.containerId || deployment.services) && (isLiveDeployment(deployment.status) || deployment.status === 'crashed')) this.watch(deployment.id);
    }
    this.stacks.start(this.context.config.healthIntervalMs);
    this.metrics.start(this.context.config.metricsIntervalMs);
    this.health.start(this.context.config.healthIntervalMs);
    this.crashes.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.metrics.close();
    this.health.close();
    await this.crashes.close();
    await this.stacks.close();
    await Promise.all([...this.watches.values()].map((watched) => watched.follower.stop()));
    this.watches.clear();
    await this.queue.idle();
  }

  /** Which deployments are watched now (for tests and the status view). */
  watchedDeployments(): string[] {
    return [...this.watches.keys(), ...this.stacks.watched()];
  }

  /** One metric sample of every live watched container (the timer's round; tests and benches call it). */
  sampleAll(): Promise<number> {
    return this.metrics.sampleAll();
  }

  /** One health probe of every live watched deployment. */
  probeAll(): Promise<void> {
    return this.health.probeAll();
  }

  private drop(watched: WatchedContainer): void {
    if (this.watches.get(watched.deploymentId) === watched) {
      this.watches.delete(watched.deploymentId);
      this.health.unwatch(watched.deploymentId);
      this.metrics.unwatch(watched.deploymentId);
    }
    void watched.follower.stop();
  }
}
