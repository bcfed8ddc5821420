// Crash detection for Docker deployments: a persistent `docker events` subscription (die, oom, start)
// plus a reconcile after every (re)connect, so a death while nobody listened is found too. What to do
// is decided by the pure functions in crash-decision.ts; this class gathers the facts and acts.
import type Dockerode from 'dockerode';
import { isLiveDeployment, type Deployment } from '../../../shared';
import type { DeploymentsPort, LogLinesPort, ProjectsPort, StatePort } from '../context';
import { isDockerNotFound, withDockerTimeout } from '../docker/call';
import { DockerEventWatcher, type ContainerEvent } from '../docker/events';
import { errorText } from '../engine-error';
import { createLogger } from '../logger';
import { afterDeath, deathReport, reconcileAction, type DeathState } from './crash-decision';
import type { DeploymentQueue } from './deployment-queue';
import type { Notifier } from './notifier';
import type { RuntimeLogFollower } from './runtime-log-follower';

const log = createLogger('monitor/crashes');

/**
 * How long a dead `always`/`unless-stopped` container is watched before it counts as stopped by hand.
 * A Docker engine shutting down stops every container first (each gets its stop timeout, 10 s by
 * default, and dockerd's own shutdown timeout is 15 s) and answers meanwhile: only once it stops
 * answering is the shutdown visible. So the watch outlasts a whole shutdown.
 */
const ENGINE_SHUTDOWN_WATCH_MS = 25_000;
const ENGINE_SHUTDOWN_POLL_MS = 500;
/** A `die` this soon after an `oom` event was an OOM kill, even when inspect no longer says so. */
const OOM_MEMORY_MS = 30_000;

/** A container the monitor watches for a deployment. */
export interface WatchedContainer {
  readonly deploymentId: string;
  readonly containerId: string;
  readonly follower: RuntimeLogFollower;
}

export interface CrashWatcherOptions {
  readonly docker: Dockerode;
  readonly deployments: DeploymentsPort;
  readonly projects: ProjectsPort;
  readonly state: StatePort;
  readonly logs: Pick<LogLinesPort, 'system'>;
  readonly notifier: Pick<Notifier, 'crashed'>;
  readonly queue: DeploymentQueue;
  /** The container watched for a deployment now, if any. */
  readonly watched: (deploymentId: string) => WatchedContainer | undefined;
  readonly allWatched: () => Iterable<WatchedContainer>;
  /** The container died or started again: health and CPU counting start over. */
  readonly lifeChanged: (deploymentId: string) => void;
  /** Stop watching: the container was removed or is gone. */
  readonly forget: (watched: WatchedContainer) => void;
  /** Back-off of the Docker event subscription after it breaks. */
  readonly eventRetryMs?: number;
  /** How long a dead `always`/`unless-stopped` container is watched (ENGINE_SHUTDOWN_WATCH_MS; tests that kill by hand shorten it). */
  readonly engineShutdownWatchMs?: number;
  /** An event of a Berth container this watcher does not watch (a Compose stack's: monitor/stack-monitor.ts). */
  readonly otherEvent?: (event: ContainerEvent) => void;
  /** The subscription is (re)established: whoever gets `otherEvent`s reconciles too. */
  readonly reconnected?: () => void;
}

const claimKey = (deploymentId: string): string => `monitor.lastDeath.${deploymentId}`;

export class CrashWatcher {
  private readonly events: DockerEventWatcher;
  /** When Docker last reported an `oom` per container (the `die` that follows carries no flag once restarted). */
  private readonly oomAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: CrashWatcherOptions) {
    this.events = new DockerEventWatcher(
      options.docker,
      options.state,
      { onEvent: (event) => this.onEvent(event), onConnected: () => this.reconcileAll() },
      { retryMs: options.eventRetryMs },
    );
  }

  /** Connecting triggers the first reconcile: deaths while Berth was not running are found there. */
  start(): void {
    this.events.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.events.stop();
  }

  private isCurrent(watched: WatchedContainer): boolean {
    return this.options.watched(watched.deploymentId) === watched;
  }

  private onEvent(event: ContainerEvent): void {
    const watched = this.options.watched(event.deploymentId);
    if (!watched || watched.containerId !== event.containerId) {
      this.options.otherEvent?.(event);
      return;
    }
    if (event.action === 'oom') {
      this.oomAt.set(watched.containerId, Date.now());
      return;
    }
    void this.options.queue.run(event.deploymentId, () => (event.action === 'die' ? this.handleDeath(watched, event.exitCode) : this.handleStart(watched)));
  }

  /** After (re)connecting to Docker: find deaths and restarts that happened while nobody listened. */
  private reconcileAll(): void {
    this.options.reconnected?.();
    for (const watched of this.options.allWatched()) {
      watched.follower.nudge();
      void this.options.queue.run(watched.deploymentId, () => this.reconcile(watched));
    }
  }

  private async reconcile(watched: WatchedContainer): Promise<void> {
    if (!this.isCurrent(watched)) return;
    const deployment = this.options.deployments.get(watched.deploymentId);
    if (!deployment) return;
    let info: Dockerode.ContainerInspectInfo | null;
    try {
      info = await withDockerTimeout(this.options.docker.getContainer(watched.containerId).inspect(), 'inspect');
    } catch (error) {
      if (!isDockerNotFound(error)) return; // Docker unreachable: the next reconnect reconciles.
      info = null;
    }
    const finishedAt = info?.State.FinishedAt ?? 'gone';
    const action = reconcileAction({
      status: deployment.status,
      container: info && {
        running: info.State.Running,
        restarting: info.State.Restarting,
        startedAtMs: Date.parse(info.State.StartedAt),
        finishedAtMs: Date.parse(info.State.FinishedAt),
      },
      deathClaimed: this.deathClaimed(watched, finishedAt),
      knownStartMs: deployment.startedAt ? Date.parse(deployment.startedAt) : 0,
    });
    switch (action) {
      case 'none':
        return;
      case 'report-gone': {
        this.options.logs.system(deployment.id, '[CRASH] exit=unknown oom=false (the container is gone)');
        const updated = this.options.deployments.update(deployment.id, { status: 'crashed', health: 'unknown', containerId: null, hostPort: null });
        if (updated) this.options.notifier.crashed(updated, null, false);
        this.options.forget(watched);
        return;
      }
      case 'forget':
        this.options.forget(watched);
        return;
      case 'report-death':
        return this.handleDeath(watched, info!.State.ExitCode);
      case 'restarted':
        return this.handleStart(watched);
      case 'dispose':
        return this.disposeDead(watched, deployment);
      case 'report-death-while-away': {
        this.claimDeath(watched, finishedAt);
        this.options.logs.system(deployment.id, '[CRASH] exit=unknown oom=false (died while Berth was not watching)');
        const crashed = this.options.deployments.update(deployment.id, { status: 'crashed', lastExitCode: null });
        if (crashed) this.options.notifier.crashed(crashed, null, false);
        return this.handleStart(watched);
      }
    }
  }

  /** The crash sequence (docs/product-rules.md, "Monitoring"): inspect, keep the last lines, `[CRASH]`, `crashed`, notify, then clean up. */
  private async handleDeath(watched: WatchedContainer, eventExitCode: number | null): Promise<void> {
    if (!this.isCurrent(watched)) return;
    const deployment = this.options.deployments.get(watched.deploymentId);
    if (!deployment || !(isLiveDeployment(deployment.status) || deployment.status === 'crashed')) return;
    let state: DeathState | null = null;
    let finishedAt = 'gone';
    let policy = '';
    try {
      const info = await withDockerTimeout(this.options.docker.getContainer(watched.containerId).inspect(), 'inspect');
      state = { exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled, running: info.State.Running, restarting: info.State.Restarting };
      finishedAt = info.State.FinishedAt;
      policy = info.HostConfig?.RestartPolicy?.Name ?? '';
    } catch (error) {
      // Docker is going away (an engine restart): the reconcile after reconnecting handles this death.
      if (!isDockerNotFound(error)) {
        log.debug(`inspect after die failed for ${watched.deploymentId}; left to the reconcile`, errorText(error));
        return;
      }
    }
    if (!this.claimDeath(watched, finishedAt)) return;
    const { exitCode, oom } = deathReport(eventExitCode, state, Date.now() - (this.oomAt.get(watched.containerId) ?? 0) < OOM_MEMORY_MS);
    this.oomAt.delete(watched.containerId);
    try {
      await watched.follower.catchUp(100);
    } catch (error) {
      this.options.logs.system(deployment.id, `[CRASH] could not read the container's last lines: ${errorText(error)}`);
    }
    this.options.logs.system(deployment.id, `[CRASH] exit=${exitCode ?? 'unknown'} oom=${oom}`);
    const crashed = this.options.deployments.update(deployment.id, { status: 'crashed', health: 'unknown', lastExitCode: exitCode });
    if (crashed) this.options.notifier.crashed(crashed, exitCode, oom);
    this.options.lifeChanged(deployment.id);
    if (!crashed) return;
    switch (afterDeath(state, policy)) {
      case 'wait':
        return;
      case 'dispose-unless-engine-stopping':
        if (!(await this.staysDown(watched))) return;
        return this.disposeDead(watched, crashed);
      case 'dispose':
        return this.disposeDead(watched, crashed);
    }
  }

  /**
   * True when Docker keeps answering and the container stays down (or is gone) for the whole watch:
   * it was stopped by hand. Docker going away meanwhile is an engine shutdown (the reconcile after
   * reconnecting handles it); the container running again means its policy brought it back.
   */
  private async staysDown(watched: WatchedContainer): Promise<boolean> {
    const until = Date.now() + (this.options.engineShutdownWatchMs ?? ENGINE_SHUTDOWN_WATCH_MS);
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, ENGINE_SHUTDOWN_POLL_MS).unref());
      if (this.closed) return false;
      try {
        const { State: state } = await withDockerTimeout(this.options.docker.getContainer(watched.containerId).inspect(), 'inspect');
        if (state.Running || state.Restarting) return false;
      } catch (error) {
        if (isDockerNotFound(error)) return true;
        log.debug(`Docker stopped answering after ${watched.deploymentId} died: an engine shutdown; left to the reconcile`, errorText(error));
        return false;
      }
    }
    return true;
  }

  /** The restart policy (or a user) started the container again after a crash. */
  private async handleStart(watched: WatchedContainer): Promise<void> {
    if (!this.isCurrent(watched)) return;
    const deployment = this.options.deployments.get(watched.deploymentId);
    if (!deployment || deployment.status !== 'crashed') return;
    let startedAt = Date.now();
    try {
      const info = await withDockerTimeout(this.options.docker.getContainer(watched.containerId).inspect(), 'inspect');
      if (!info.State.Running || info.State.Restarting) return;
      startedAt = Date.parse(info.State.StartedAt) || startedAt;
    } catch {
      return;
    }
    this.options.logs.system(deployment.id, '[RESTART] the container was started again; status running');
    this.options.lifeChanged(deployment.id);
    this.options.deployments.update(deployment.id, { status: 'running', health: 'unknown', startedAt });
    watched.follower.nudge();
  }

  /** A dead container nothing will restart: removed, unless the project keeps crashed containers. */
  private async disposeDead(watched: WatchedContainer, deployment: Deployment): Promise<void> {
    const project = this.options.projects.get(deployment.projectId);
    // Kept for `docker exec`/`docker start` debugging: stay watching so a manual start is noticed.
    if (project?.settings.keepCrashedContainers) return;
    await watched.follower.stop();
    try {
      await withDockerTimeout(this.options.docker.getContainer(watched.containerId).remove({ force: true }), 'rm');
      this.options.logs.system(deployment.id, `[CRASH] container ${watched.containerId.slice(0, 12)} removed (set keepCrashedContainers to keep it for debugging)`);
    } catch (error) {
      if (!isDockerNotFound(error)) {
        this.options.logs.system(deployment.id, `[CRASH] could not remove container ${watched.containerId.slice(0, 12)}: ${errorText(error)}`);
        // Keep watching: the next reconcile tries again.
        watched.follower.start();
        return;
      }
    }
    this.options.deployments.update(deployment.id, { containerId: null, hostPort: null });
    this.options.forget(watched);
  }

  /** Records that this death was handled, so event replays and reconciles never report it twice. */
  private claimDeath(watched: WatchedContainer, finishedAt: string): boolean {
    if (this.deathClaimed(watched, finishedAt)) return false;
    this.options.state.set(claimKey(watched.deploymentId), `${watched.containerId}@${finishedAt}`);
    return true;
  }

  private deathClaimed(watched: WatchedContainer, finishedAt: string): boolean {
    return this.options.state.get(claimKey(watched.deploymentId)) === `${watched.containerId}@${finishedAt}`;
  }
}
