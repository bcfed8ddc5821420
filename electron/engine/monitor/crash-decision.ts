// What the crash watcher does about a container, decided from facts alone: the deployment's status,
// what Docker says of the container, and whether this death was already reported. The watcher
// (crash-watcher.ts) gathers the facts and carries the decision out; these functions do no I/O.
import { isLiveDeployment, type DeploymentStatus, type RestartPolicy } from '../../../shared';

/** The container as Docker reports it; null when Docker says it no longer exists. */
export interface ObservedContainer {
  readonly running: boolean;
  readonly restarting: boolean;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
}

export type ReconcileAction =
  /** Nothing to do: Docker and the deployment agree. */
  | 'none'
  /** A live deployment's container vanished: report a crash with an unknown exit code, then stop watching. */
  | 'report-gone'
  /** The container is gone but the deployment was not live (stopped, crashed and cleaned up): stop watching. */
  | 'forget'
  /** It is down and this death was never reported: run the crash sequence. */
  | 'report-death'
  /** A crashed deployment's container runs again: `[RESTART]`, status running. */
  | 'restarted'
  /** Reported already and still down: dispose of the dead container. */
  | 'dispose'
  /** It died and its restart policy started it again while Berth was not watching: report the crash, then the restart. */
  | 'report-death-while-away';

export interface ReconcileFacts {
  readonly status: DeploymentStatus;
  readonly container: ObservedContainer | null;
  /** The container's last death (its FinishedAt) was reported already. */
  readonly deathClaimed: boolean;
  /** When the deployment last went live (ms), 0 when unknown. */
  readonly knownStartMs: number;
}

/** After (re)connecting to Docker: what a container's state means for its deployment. */
export function reconcileAction({ status, container, deathClaimed, knownStartMs }: ReconcileFacts): ReconcileAction {
  const live = isLiveDeployment(status);
  if (container === null) return live ? 'report-gone' : 'forget';
  const up = container.running || container.restarting;
  if (live && !up) return 'report-death';
  if (status === 'crashed') {
    if (container.running && !container.restarting) return 'restarted';
    // Marked crashed by someone else (the pipeline's start-up reconcile) but never reported: report it once.
    if (!up) return deathClaimed ? 'dispose' : 'report-death';
    return 'none';
  }
  const diedSinceKnownStart = container.finishedAtMs > knownStartMs && container.startedAtMs > container.finishedAtMs;
  if (live && container.running && diedSinceKnownStart && !deathClaimed) return 'report-death-while-away';
  return 'none';
}

/** The container's state right after a death, as inspect reports it. */
export interface DeathState {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly running: boolean;
  readonly restarting: boolean;
}

/**
 * The exit code and OOM flag to report. The `die` event's code wins; while restarting Docker keeps the
 * death's exit code, but once the container runs again it reads 0, which would be a lie.
 */
export function deathReport(eventExitCode: number | null, state: DeathState | null, oomSeenRecently: boolean): { exitCode: number | null; oom: boolean } {
  const runningAgain = state !== null && state.running && !state.restarting;
  return {
    exitCode: eventExitCode ?? (state && !runningAgain ? state.exitCode : null),
    oom: (state?.oomKilled ?? false) || oomSeenRecently,
  };
}

export type AfterDeath =
  /** Docker is bringing it back (or it is gone already): wait for `start`. */
  | 'wait'
  /** Nothing will restart it: remove it (unless the project keeps crashed containers). */
  | 'dispose'
  /**
   * `always`/`unless-stopped` did not restart it, so it was stopped by hand (docker kill/stop) or by the
   * engine shutting down, and then it comes back with the engine: dispose only if Docker keeps answering
   * for longer than a shutdown takes and it stays down.
   */
  | 'dispose-unless-engine-stopping';

export function afterDeath(state: DeathState | null, restartPolicy: RestartPolicy | string): AfterDeath {
  if (state === null || state.restarting || state.running) return 'wait';
  return restartPolicy === 'always' || restartPolicy === 'unless-stopped' ? 'dispose-unless-engine-stopping' : 'dispose';
}
