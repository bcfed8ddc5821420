// Monitoring of a Compose stack (docs/product-rules.md, "Compose stacks"): per service container, its
// runtime logs (RuntimeLogFollower, lines tagged with the service), metric samples (MetricsSampler's stack
// watch: one per service plus the sum) and deaths (`[CRASH] service=<name> exit=<code> oom=<bool>`, from the
// CrashWatcher's one event subscription). The stack's status follows stack-status.ts: `degraded` while a
// non-public service is down, `crashed` when the public one is, `running` when all are back.
// Deployment.services is kept current (state, health, restarts, exit code).
import type Dockerode from 'dockerode';
import { isLiveDeployment, type Deployment, type StackService } from '../../../shared';
import type { DeploymentsPort, LogLinesPort, ProjectsPort, StatePort } from '../context';
import { isDockerNotFound, withDockerTimeout } from '../docker/call';
import { observeStack } from '../docker/compose';
import type { ContainerEvent } from '../docker/events';
import type { SocketReader } from '../docker/socket-reader';
import { errorText } from '../engine-error';
import { createLogger } from '../logger';
import type { LogLineRepository } from '../store/log-lines';
import { deathReport, type DeathState } from './crash-decision';
import type { DeploymentQueue } from './deployment-queue';
import type { MetricsSampler } from './metrics-sampler';
import type { Notifier } from './notifier';
import { RuntimeLogFollower, type RuntimeLogFollowerOptions } from './runtime-log-follower';
import { isCompleted, stackStatus } from './stack-status';

const log = createLogger('monitor/stacks');

/** A `die` this soon after an `oom` event was an OOM kill. */
const OOM_MEMORY_MS = 30_000;

export interface StackMonitorOptions {
  readonly docker: Dockerode;
  readonly deployments: DeploymentsPort;
  readonly projects: ProjectsPort;
  readonly state: StatePort;
  readonly logs: LogLinesPort;
  readonly notifier: Pick<Notifier, 'crashed'>;
  readonly storedLines: Pick<LogLineRepository, 'runtimeOutputSince' | 'lastRuntimeOutputTs'>;
  readonly socketReader: SocketReader;
  readonly queue: DeploymentQueue;
  readonly metrics: Pick<MetricsSampler, 'watchStack' | 'unwatch' | 'reset'>;
  readonly follower?: RuntimeLogFollowerOptions;
}

interface WatchedStack {
  readonly deploymentId: string;
  /** The follower of each service's container. */
  readonly followers: Map<string, RuntimeLogFollower>;
}

const isDown = (service: Pick<StackService, 'state' | 'exitCode' | 'public'>): boolean => service.state === 'missing' || (service.state === 'exited' && (service.public || !isCompleted(service)));
const claimKey = (deploymentId: string, service: string): string => `monitor.lastDeath.${deploymentId}.${service}`;

export class StackMonitor {
  private readonly watches = new Map<string, WatchedStack>();
  private readonly oomAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: StackMonitorOptions) {}

  isWatched(deploymentId: string): boolean {
    return this.watches.has(deploymentId);
  }

  watched(): string[] {
    return [...this.watches.keys()];
  }

  watch(deployment: Deployment): void {
    if (this.closed || !deployment.services) return;
    this.unwatch(deployment.id);
    const watched: WatchedStack = { deploymentId: deployment.id, followers: new Map() };
    this.watches.set(deployment.id, watched);
    this.follow(watched, deployment.services);
  }

  unwatch(deploymentId: string): void {
    const watched = this.watches.get(deploymentId);
    if (!watched) return;
    this.watches.delete(deploymentId);
    this.options.metrics.unwatch(deploymentId);
    for (const follower of watched.followers.values()) void follower.stop();
  }

  /** Re-reads every watched stack every `intervalMs` (health and restarts change without a die or start). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.reconcileAll(), intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all([...this.watches.values()].flatMap((watched) => [...watched.followers.values()].map((follower) => follower.stop())));
    this.watches.clear();
  }

  /** A Docker event of a Berth container the single-container watcher does not watch. */
  onEvent(event: ContainerEvent): void {
    if (!this.watches.has(event.deploymentId)) return;
    if (event.action === 'oom') {
      this.oomAt.set(event.containerId, Date.now());
      return;
    }
    void this.options.queue.run(event.deploymentId, () => this.refresh(event.deploymentId, event));
  }

  /** After (re)connecting to Docker, and on the timer: deaths and returns that happened meanwhile. */
  reconcileAll(): void {
    for (const deploymentId of this.watches.keys()) void this.options.queue.run(deploymentId, () => this.refresh(deploymentId, null));
  }

  /** Reads the stack again and reports what changed; the one place a stack's services and status are written. */
  async refresh(deploymentId: string, event: ContainerEvent | null): Promise<void> {
    const watched = this.watches.get(deploymentId);
    const deployment = this.options.deployments.get(deploymentId);
    if (!watched || !deployment?.services || !(isLiveDeployment(deployment.status) || deployment.status === 'crashed')) return;
    let services: StackService[];
    try {
      services = await observeStack(this.options.docker, deploymentId, deployment.services);
    } catch (error) {
      log.debug(`could not read stack ${deploymentId}; the next reconcile tries again`, errorText(error));
      return;
    }
    let lastExitCode: number | null | undefined;
    let publicOom = false;
    const serviceDeaths: Array<{ service: string; exitCode: number | null; oom: boolean }> = [];
    for (const service of services) {
      const before = deployment.services.find((known) => known.name === service.name);
      const died = event?.action === 'die' && event.containerId === service.containerId;
      if (!service.public && isCompleted(service) && service.containerId && !(before && isCompleted(before))) {
        this.options.logs.system(deploymentId, `[EXIT] service=${service.name} exit=0: it finished (not a crash)`, { service: service.name });
      } else if (died || (isDown(service) && service.containerId)) {
        const reported = await this.reportDeath(deployment, service, died ? event.exitCode : null);
        if (reported && service.public) {
          lastExitCode = reported.exitCode;
          publicOom = reported.oom;
        } else if (reported) serviceDeaths.push({ service: service.name, ...reported });
      }
      if (before && isDown(before) && !isDown(service)) {
        this.options.logs.system(deploymentId, `[RESTART] service=${service.name} is running again`, { service: service.name });
        this.options.metrics.reset(deploymentId);
      }
      // A container that was recreated (or started after a restart) is followed again.
      const follower = watched.followers.get(service.name);
      if (service.containerId && follower?.containerId !== service.containerId) this.follow(watched, services);
      else if (!isDown(service)) follower?.nudge();
    }
    const current = this.options.deployments.get(deploymentId);
    if (!current || !(isLiveDeployment(current.status) || current.status === 'crashed') || !this.watches.has(deploymentId)) return;
    const status = stackStatus(services, current.status);
    const publicService = services.find((service) => service.public);
    const updated = this.options.deployments.update(deploymentId, {
      services,
      ...(status !== current.status ? { status, ...(status === 'crashed' ? { health: 'unknown' as const } : {}) } : {}),
      ...(lastExitCode !== undefined ? { lastExitCode } : {}),
      // A recreated or restarted public container (a restart gives an ephemeral port a new number): probes follow it.
      ...(publicService?.containerId && publicService.hostPort !== null && (publicService.containerId !== current.containerId || publicService.hostPort !== current.hostPort)
        ? { containerId: publicService.containerId, hostPort: publicService.hostPort }
        : {}),
    });
    if (status !== current.status) {
      const down = services.filter((service) => isDown(service) || service.health === 'unhealthy').map((service) => service.name);
      this.options.logs.system(deploymentId, `[STACK] status ${status}${down.length > 0 ? `: ${down.join(', ')} down` : ': every service is up'}`);
      if (status === 'crashed' && updated) this.options.notifier.crashed(updated, lastExitCode ?? null, publicOom);
    }
    // Another service's death is its own alert (the crash rules, crash-loop folding and cooldowns apply).
    for (const death of serviceDeaths) if (updated) this.options.notifier.crashed(updated, death.exitCode, death.oom, death.service);
  }

  /** The crash line of one service's death, once per death (claimed by container and FinishedAt). */
  private async reportDeath(deployment: Deployment, service: StackService, eventExitCode: number | null): Promise<{ exitCode: number | null; oom: boolean } | null> {
    if (!service.containerId) return null;
    let state: DeathState | null = null;
    let finishedAt = 'gone';
    try {
      const info = await withDockerTimeout(this.options.docker.getContainer(service.containerId).inspect(), 'inspect');
      state = { exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled, running: info.State.Running, restarting: info.State.Restarting };
      finishedAt = info.State.FinishedAt;
    } catch (error) {
      if (!isDockerNotFound(error)) return null;
    }
    const claim = `${service.containerId}@${finishedAt}`;
    if (this.options.state.get(claimKey(deployment.id, service.name)) === claim) return null;
    this.options.state.set(claimKey(deployment.id, service.name), claim);
    const { exitCode, oom } = deathReport(eventExitCode, state, Date.now() - (this.oomAt.get(service.containerId) ?? 0) < OOM_MEMORY_MS);
    this.oomAt.delete(service.containerId);
    const follower = this.watches.get(deployment.id)?.followers.get(service.name);
    try {
      await follower?.catchUp(100);
    } catch (error) {
      this.options.logs.system(deployment.id, `[CRASH] could not read the last lines of service ${service.name}: ${errorText(error)}`, { service: service.name });
    }
    this.options.logs.system(deployment.id, `[CRASH] service=${service.name} exit=${exitCode ?? 'unknown'} oom=${oom}`, { service: service.name });
    return { exitCode, oom };
  }

  /** Followers and metric watches for the services' current containers. */
  private follow(watched: WatchedStack, services: readonly StackService[]): void {
    const containers: Array<{ service: string; containerId: string }> = [];
    for (const service of services) {
      if (!service.containerId) continue;
      containers.push({ service: service.name, containerId: service.containerId });
      const existing = watched.followers.get(service.name);
      if (existing?.containerId === service.containerId) continue;
      if (existing) void existing.stop();
      const follower = new RuntimeLogFollower(
        this.options.docker,
        { logs: this.options.logs, stored: this.options.storedLines, state: this.options.state, reader: this.options.socketReader },
        watched.deploymentId,
        service.containerId,
        { ...this.options.follower, service: service.name },
      );
      watched.followers.set(service.name, follower);
      follower.start();
    }
    this.options.metrics.watchStack(watched.deploymentId, containers);
  }
}
