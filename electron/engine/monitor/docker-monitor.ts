import type { Deployment, DeploymentStatus } from '../../../shared';
import type { EngineContext } from '../host/engine';
import { createLogger } from '../logger';
import type { NewMetricSample } from '../store/metrics';
import type { DeploymentChanges } from '../store/deployments';
import { cpuPercent, cpuReading, memoryMb, type ContainerStats, type CpuReading } from './cpu';
import type { DeploymentMonitor } from './deployment-monitor';
import { DockerEventWatcher, type ContainerEvent } from '../docker/events';
import { isDockerNotFound, withDockerTimeout } from '../docker/call';
import { errorText } from '../engine-error';
import { probeHealth } from '../health/probe';
import { FAILURES_BEFORE_UNHEALTHY, HealthRule } from '../health/health-rule';
import { Notifier } from './notifier';
import { RuntimeLogFollower, type RuntimeLogFollowerOptions } from './runtime-log-follower';

const log = createLogger('monitor');

export interface DockerMonitorOptions {
  readonly follower?: RuntimeLogFollowerOptions;
  readonly crashLoopWindowMs?: number;
  /** Back-off of the Docker event subscription after it breaks. */
  readonly eventRetryMs?: number;
}

/** Statuses in which the app is expected to be up, so probes, samples and deaths matter. */
const LIVE_STATUSES: readonly DeploymentStatus[] = ['running', 'unreachable', 'degraded'];
const isLive = (status: DeploymentStatus): boolean => LIVE_STATUSES.includes(status);
/** How long a dead `always`/`unless-stopped` container is given to turn out to be an engine shutdown. */
const ENGINE_SHUTDOWN_GRACE_MS = 3000;

export const UNHEALTHY_LINE = `[UNHEALTHY] health probe failed ${FAILURES_BEFORE_UNHEALTHY} times`;
export const RECOVERED_LINE = '[HEALTHY] health probe answers again; status running';

interface Watch {
  readonly deploymentId: string;
  readonly containerId: string;
  readonly follower: RuntimeLogFollower;
  health: HealthRule;
  cpu: CpuReading | null;
  /** When Docker last reported an `oom` for this container (the `die` that follows carries no flag once restarted). */
  oomAt: number;
}

/**
 * Runtime monitoring of Docker deployments (DESIGN §3, seed 003): runtime logs, one-shot metric
 * samples, the /health 3-failure rule and crash detection from Docker events with reconciliation.
 * Everything a user sees changes through `setDeployment`, which also emits `deploymentUpdated`.
 */
export class DockerMonitor implements DeploymentMonitor {
  readonly notifier: Notifier;
  private readonly watches = new Map<string, Watch>();
  /** Per-deployment queue: events, reconciles and probes for one deployment never interleave. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly events: DockerEventWatcher;
  private metricsTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private sampling = false;
  private probing = false;
  private closed = false;

  constructor(
    private readonly context: EngineContext,
    private readonly options: DockerMonitorOptions = {},
  ) {
    this.notifier = new Notifier(context.store, context.events, { crashLoopWindowMs: options.crashLoopWindowMs });
    this.events = new DockerEventWatcher(
      context.docker,
      context.store,
      { onEvent: (event) => this.onEvent(event), onConnected: () => this.reconcileAll() },
      { retryMs: options.eventRetryMs },
    );
  }

  watch(deploymentId: string): void {
    if (this.closed) return;
    const deployment = this.context.store.deployments.get(deploymentId);
    if (!deployment || deployment.target !== 'docker' || !deployment.containerId) {
      log.debug(`not watching ${deploymentId}: no Docker container`);
      return;
    }
    const existing = this.watches.get(deploymentId);
    if (existing?.containerId === deployment.containerId) return;
    if (existing) this.drop(existing);
    const follower = new RuntimeLogFollower(this.context.docker, this.context.store, this.context.logs, deploymentId, deployment.containerId, this.options.follower);
    this.watches.set(deploymentId, {
      deploymentId,
      containerId: deployment.containerId,
      follower,
      health: new HealthRule(deployment.status === 'unreachable'),
      cpu: null,
      oomAt: 0,
    });
    follower.start();
  }

  unwatch(deploymentId: string): void {
    const watch = this.watches.get(deploymentId);
    if (watch) this.drop(watch);
  }

  async start(): Promise<void> {
    for (const deployment of this.context.store.deployments.list()) {
      if (deployment.target === 'docker' && deployment.containerId && (isLive(deployment.status) || deployment.status === 'crashed')) this.watch(deployment.id);
    }
    const { metricsIntervalMs, healthIntervalMs } = this.context.config;
    if (metricsIntervalMs > 0) {
      this.metricsTimer = setInterval(() => void this.sampleAll(), metricsIntervalMs);
      this.metricsTimer.unref();
    }
    if (healthIntervalMs > 0) {
      this.healthTimer = setInterval(() => void this.probeAll(), healthIntervalMs);
      this.healthTimer.unref();
    }
    // Connecting triggers the first reconcile: deaths while Berth was not running are found there.
    this.events.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.metricsTimer);
    clearInterval(this.healthTimer);
    await this.events.stop();
    await Promise.all([...this.watches.values()].map((watch) => watch.follower.stop()));
    this.watches.clear();
    await Promise.all([...this.queues.values()]);
  }

  /** Which deployments are watched now (for tests and the status view). */
  watchedDeployments(): string[] {
    return [...this.watches.keys()];
  }

  /** Takes one metric sample of every live watched container; one transaction for all of them. */
  async sampleAll(): Promise<number> {
    if (this.sampling || this.closed) return 0;
    this.sampling = true;
    try {
      const samples: NewMetricSample[] = [];
      await Promise.all(
        [...this.watches.values()].map(async (watch) => {
          const deployment = this.context.store.deployments.get(watch.deploymentId);
          if (!deployment || !isLive(deployment.status)) return;
          try {
            const stats = (await withDockerTimeout(this.context.docker.getContainer(watch.containerId).stats({ stream: false, 'one-shot': true } as { stream: false }), 'stats')) as ContainerStats;
            const at = Date.now();
            const reading = cpuReading(stats, at);
            const memory = memoryMb(stats);
            if (!reading || !memory) return;
            const previous = watch.cpu;
            watch.cpu = reading;
            // The first sample has nothing to compare with: CPU% needs two readings.
            if (!previous) return;
            samples.push({ deploymentId: watch.deploymentId, sampledAt: at, cpuPct: cpuPercent(previous, reading), memUsedMb: memory.usedMb, memLimitMb: memory.limitMb });
          } catch (error) {
            log.debug(`no stats for ${watch.deploymentId}`, errorText(error));
          }
        }),
      );
      if (samples.length > 0 && !this.closed) this.context.store.metrics.insertSamples(samples);
      return samples.length;
    } finally {
      this.sampling = false;
    }
  }

  /** Probes every live watched deployment's health endpoint once. */
  async probeAll(): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      await Promise.all([...this.watches.values()].map((watch) => this.probe(watch)));
    } finally {
      this.probing = false;
    }
  }

  private async probe(watch: Watch): Promise<void> {
    const deployment = this.context.store.deployments.get(watch.deploymentId);
    if (!deployment || !isLive(deployment.status) || deployment.hostPort === null) return;
    const project = this.context.store.projects.get(deployment.projectId);
    const path = project?.settings.healthPath ?? '/health';
    const result = await probeHealth(`http://127.0.0.1:${deployment.hostPort}${path}`, this.context.config.healthTimeoutMs);
    if (this.closed || this.watches.get(watch.deploymentId) !== watch) return;
    await this.enqueue(watch.deploymentId, async () => {
      this.context.store.metrics.insertProbe({ deploymentId: watch.deploymentId, probedAt: Date.now(), ...result });
      const current = this.context.store.deployments.get(watch.deploymentId);
      // A crash or stop that landed while the probe was in flight wins.
      if (!current || !isLive(current.status)) return;
      switch (watch.health.record(result.ok)) {
        case 'none':
          return;
        case 'healthy':
          if (current.health !== 'healthy') this.setDeployment(current.id, { health: 'healthy' });
          return;
        case 'unhealthy': {
          this.context.logs.system(current.id, `${UNHEALTHY_LINE} (last: ${result.error ?? 'failed'})`);
          const updated = this.setDeployment(current.id, { status: 'unreachable', health: 'unreachable' });
          if (updated) this.notifier.unhealthy(updated, FAILURES_BEFORE_UNHEALTHY);
          return;
        }
        case 'recovered': {
          this.context.logs.system(current.id, RECOVERED_LINE);
          const updated = this.setDeployment(current.id, { status: 'running', health: 'healthy' });
          if (updated) this.notifier.recovered(updated);
          return;
        }
      }
    });
  }

  private onEvent(event: ContainerEvent): void {
    const watch = this.watches.get(event.deploymentId);
    if (!watch || watch.containerId !== event.containerId) return;
    if (event.action === 'oom') {
      watch.oomAt = Date.now();
      return;
    }
    void this.enqueue(event.deploymentId, () => (event.action === 'die' ? this.handleDeath(watch, event.exitCode) : this.handleStart(watch)));
  }

  /** After (re)connecting to Docker: find deaths and restarts that happened while nobody listened. */
  private reconcileAll(): void {
    for (const watch of this.watches.values()) {
      watch.follower.nudge();
      void this.enqueue(watch.deploymentId, () => this.reconcile(watch));
    }
  }

  private async reconcile(watch: Watch): Promise<void> {
    if (this.watches.get(watch.deploymentId) !== watch) return;
    const deployment = this.context.store.deployments.get(watch.deploymentId);
    if (!deployment) return;
    let info;
    try {
      info = await withDockerTimeout(this.context.docker.getContainer(watch.containerId).inspect(), 'inspect');
    } catch (error) {
      if (!isDockerNotFound(error)) return; // Docker unreachable: the next reconnect reconciles.
      if (isLive(deployment.status)) {
        this.context.logs.system(deployment.id, '[CRASH] exit=unknown oom=false (the container is gone)');
        const updated = this.setDeployment(deployment.id, { status: 'crashed', health: 'unknown', containerId: null, hostPort: null });
        if (updated) this.notifier.crashed(updated, null, false);
      }
      this.drop(watch);
      return;
    }
    const state = info.State;
    const up = state.Running || state.Restarting;
    if (isLive(deployment.status) && !up) {
      await this.handleDeath(watch, state.ExitCode);
      return;
    }
    if (deployment.status === 'crashed' && state.Running && !state.Restarting) {
      await this.handleStart(watch);
      return;
    }
    if (deployment.status === 'crashed' && !up) {
      // Marked crashed by someone else (the pipeline's start-up reconcile) but never reported:
      // the crash sequence still runs, once, so the [CRASH] line and the notification exist.
      if (!this.deathClaimed(watch, state.FinishedAt)) await this.handleDeath(watch, state.ExitCode);
      else await this.disposeDead(watch, deployment);
      return;
    }
    // Died and was restarted by its policy while nobody listened: the exit code is gone by now.
    const startedMs = Date.parse(state.StartedAt);
    const finishedMs = Date.parse(state.FinishedAt);
    const knownStart = deployment.startedAt ? Date.parse(deployment.startedAt) : 0;
    if (isLive(deployment.status) && state.Running && finishedMs > knownStart && startedMs > finishedMs && this.claimDeath(watch, state.FinishedAt)) {
      this.context.logs.system(deployment.id, '[CRASH] exit=unknown oom=false (died while Berth was not watching)');
      const crashed = this.setDeployment(deployment.id, { status: 'crashed', lastExitCode: null });
      if (crashed) this.notifier.crashed(crashed, null, false);
      await this.handleStart(watch);
    }
  }

  /** Seed 003's crash sequence: inspect, keep the last lines, `[CRASH]`, `crashed`, notify, then clean up. */
  private async handleDeath(watch: Watch, eventExitCode: number | null): Promise<void> {
    if (this.watches.get(watch.deploymentId) !== watch) return;
    const deployment = this.context.store.deployments.get(watch.deploymentId);
    if (!deployment || !(isLive(deployment.status) || deployment.status === 'crashed')) return;
    const container = this.context.docker.getContainer(watch.containerId);
    let state: { ExitCode: number; OOMKilled: boolean; Running: boolean; Restarting: boolean; FinishedAt: string } | null = null;
    let policy = '';
    try {
      const info = await withDockerTimeout(container.inspect(), 'inspect');
      state = info.State;
      policy = info.HostConfig?.RestartPolicy?.Name ?? '';
    } catch (error) {
      // Docker is going away (an engine restart): the reconcile after reconnecting handles this death.
      if (!isDockerNotFound(error)) {
        log.debug(`inspect after die failed for ${watch.deploymentId}; left to the reconcile`, errorText(error));
        return;
      }
    }
    const finishedAt = state?.FinishedAt ?? 'gone';
    if (!this.claimDeath(watch, finishedAt)) return;
    // While restarting, Docker keeps the exit code and OOM flag of the death; once started they reset.
    const exitCode = eventExitCode ?? (state && !(state.Running && !state.Restarting) ? state.ExitCode : null);
    const oom = (state?.OOMKilled ?? false) || Date.now() - watch.oomAt < 30_000;
    try {
      await watch.follower.catchUp(100);
    } catch (error) {
      this.context.logs.system(deployment.id, `[CRASH] could not read the container's last lines: ${errorText(error)}`);
    }
    this.context.logs.system(deployment.id, `[CRASH] exit=${exitCode ?? 'unknown'} oom=${oom}`);
    const crashed = this.setDeployment(deployment.id, { status: 'crashed', health: 'unknown', lastExitCode: exitCode });
    if (crashed) this.notifier.crashed(crashed, exitCode, oom);
    watch.health = new HealthRule();
    watch.cpu = null;
    const restarting = state !== null && (state.Restarting || state.Running);
    if (state === null || restarting || !crashed) return;
    // `always`/`unless-stopped` restart a crash at once (Restarting). One that stays down was stopped by
    // hand (docker kill/stop) or by the Docker engine shutting down, and then it comes back with the
    // engine: only the first is disposed of. An engine going away stops answering within moments.
    if ((policy === 'always' || policy === 'unless-stopped') && !(await this.staysDown(watch))) return;
    await this.disposeDead(watch, crashed);
  }

  /** After a short wait: true when Docker still answers and the container is still down (or gone). */
  private async staysDown(watch: Watch): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ENGINE_SHUTDOWN_GRACE_MS).unref());
    if (this.closed) return false;
    try {
      const { State: state } = await withDockerTimeout(this.context.docker.getContainer(watch.containerId).inspect(), 'inspect');
      return !state.Running && !state.Restarting;
    } catch (error) {
      if (isDockerNotFound(error)) return true;
      log.debug(`Docker stopped answering after ${watch.deploymentId} died: an engine shutdown; left to the reconcile`, errorText(error));
      return false;
    }
  }

  /** The restart policy (or a user) started the container again after a crash. */
  private async handleStart(watch: Watch): Promise<void> {
    if (this.watches.get(watch.deploymentId) !== watch) return;
    const deployment = this.context.store.deployments.get(watch.deploymentId);
    if (!deployment || deployment.status !== 'crashed') return;
    let startedAt = Date.now();
    try {
      const info = await withDockerTimeout(this.context.docker.getContainer(watch.containerId).inspect(), 'inspect');
      if (!info.State.Running || info.State.Restarting) return;
      startedAt = Date.parse(info.State.StartedAt) || startedAt;
    } catch {
      return;
    }
    this.context.logs.system(deployment.id, '[RESTART] the container was started again; status running');
    watch.health = new HealthRule();
    watch.cpu = null;
    this.setDeployment(deployment.id, { status: 'running', health: 'unknown', startedAt });
    watch.follower.nudge();
  }

  /** A dead container nothing will restart: removed, unless the project keeps crashed containers. */
  private async disposeDead(watch: Watch, deployment: Deployment): Promise<void> {
    const project = this.context.store.projects.get(deployment.projectId);
    // Kept for `docker exec`/`docker start` debugging: stay watching so a manual start is noticed.
    if (project?.settings.keepCrashedContainers) return;
    await watch.follower.stop();
    try {
      await withDockerTimeout(this.context.docker.getContainer(watch.containerId).remove({ force: true }), 'rm');
      this.context.logs.system(deployment.id, `[CRASH] container ${watch.containerId.slice(0, 12)} removed (set keepCrashedContainers to keep it for debugging)`);
    } catch (error) {
      if (!isDockerNotFound(error)) {
        this.context.logs.system(deployment.id, `[CRASH] could not remove container ${watch.containerId.slice(0, 12)}: ${errorText(error)}`);
        // Keep watching: the next reconcile tries again.
        watch.follower.start();
        return;
      }
    }
    this.setDeployment(deployment.id, { containerId: null, hostPort: null });
    this.drop(watch);
  }

  /** Records that this death was handled, so event replays and reconciles never report it twice. */
  private claimDeath(watch: Watch, finishedAt: string): boolean {
    if (this.deathClaimed(watch, finishedAt)) return false;
    this.context.store.state.set(`monitor.lastDeath.${watch.deploymentId}`, `${watch.containerId}@${finishedAt}`);
    return true;
  }

  private deathClaimed(watch: Watch, finishedAt: string): boolean {
    return this.context.store.state.get(`monitor.lastDeath.${watch.deploymentId}`) === `${watch.containerId}@${finishedAt}`;
  }

  private setDeployment(id: string, changes: DeploymentChanges): Deployment | undefined {
    const updated = this.context.store.deployments.update(id, changes);
    if (updated) this.context.events.emit('deploymentUpdated', updated);
    return updated;
  }

  private drop(watch: Watch): void {
    if (this.watches.get(watch.deploymentId) === watch) this.watches.delete(watch.deploymentId);
    void watch.follower.stop();
  }

  private enqueue(deploymentId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(deploymentId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => log.error(`monitoring ${deploymentId} hit an error`, error))
      .finally(() => {
        if (this.queues.get(deploymentId) === next) this.queues.delete(deploymentId);
      });
    this.queues.set(deploymentId, next);
    return next;
  }
}

/** The engine's default monitor factory. */
export const createDockerMonitor = (context: EngineContext): DeploymentMonitor => new DockerMonitor(context);
