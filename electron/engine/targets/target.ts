// The per-target step interface. The runner (pipeline/runner.ts) is target-neutral: it creates the
// Run and its Steps, runs them in order with pause/stop, writes logs and events, and classifies
// failures. A target (targets/docker, targets/ecs) only says which steps it has and runs one.
import type { Deployment, Release, ReleaseService, RunDetail, RunKind, ScanRecord, StepName, Target } from '../../../shared';
import type { StepFailure } from '../step-failure';
import type { DeploymentChanges } from '../store/deployments';
import type { ProjectRecord } from '../store/projects';

/** What every run's steps share and the runner reads when the run completes. */
export interface RunState {
  /** The image the run puts live: a tag or an image id (build/publish sets it; rollback presets it). */
  imageRef?: string;
  /** Docker image id (sha256:…) of `imageRef`, recorded in the Release. */
  imageId?: string;
  /** ECS: the task definition the run registers. */
  taskDefinitionArn?: string;
  /** The release a rollback step (automatic or manual) restores. */
  rollbackTo?: Release;
  /**
   * What the run's scan found: the shape, how it is built, its port and health route. Set by the step that
   * scans (Docker detect, ECS build); a manual rollback takes its release's. Absent for a release made
   * before scans: the settings and the defaults decide alone (shared/effective-settings.ts).
   */
  scan?: ScanRecord;
  /** A Compose stack's built services, recorded in the Release (rollback restores them all). */
  services?: ReleaseService[];
}

/** What a step's line may carry besides its text. */
export interface LineOptions {
  /** A Compose stack's service the line is about (docs/product-rules.md, "Compose stacks"). */
  readonly service?: string | null;
}

/** No state of a target's own. */
export type NoState = Record<never, never>;

/**
 * What a step gets from the runner. `State` is the target's own scratch space shared by the steps of
 * one run (which port setup chose, the candidate container, …), typed by the target.
 */
export interface StepContext<State extends object = NoState> {
  readonly step: StepName;
  /** Aborted when the user stops the run (or the engine closes): abort builds, probes, waits. */
  readonly signal: AbortSignal;
  readonly project: ProjectRecord;
  readonly run: RunDetail;
  /** The deployment as stored when the step started; use `deployment()` for the latest row. */
  readonly deploymentAtStart: Deployment;
  /** The release that was current before this run started (null on a first deploy). */
  readonly previousRelease: Release | null;
  readonly state: RunState & State;
  /** The latest deployment row. */
  deployment(): Deployment;
  /** Changes the deployment row and emits `deploymentUpdated`. */
  updateDeployment(changes: DeploymentChanges): Deployment;
  /** Sets `state.scan`, stores it with the run and emits `runUpdated` (the scan shows while the run goes on). */
  recordScan(scan: ScanRecord): void;
  /** The scan the run that made `release` stored (null for a release made before scans). */
  scanOfRelease(release: Release): ScanRecord | null;
  /**
   * Tool output, one or more lines (split on `\n`, trailing `\r` dropped). Secret env values are
   * redacted. Returns the lineNo of the last line written.
   */
  stdout(text: string, options?: LineOptions): number;
  stderr(text: string, options?: LineOptions): number;
  /** Berth's own line about this step (stream `system`). */
  system(text: string, options?: LineOptions): number;
}

/** What the one asking for a stop may choose. */
export interface StopOptions {
  /** A Compose stack: also remove its named volumes (else the project's settings.compose.removeVolumesOnStop decides). */
  readonly removeVolumes?: boolean;
}

export interface TargetStopLog {
  /** Writes a `system` line for the deployment (each failure of the stop sequence is one). */
  system(text: string): void;
}

export interface DeployTarget<State extends object = NoState> {
  readonly target: Target;
  /** A run's own state when it starts (every field optional: steps fill it in as they go). */
  initialState(): State;
  /** Steps of a run of `kind`, in order. Deploy/redeploy use STEP_ORDER[target]. */
  steps(kind: RunKind): readonly StepName[];
  /**
   * Runs one step. Throw StepFailure for a classified failure; honour `context.signal`.
   * - `done` is the target's last word (e.g. promote the candidate); after it succeeds the runner
   *   records the Release from `state.imageRef/imageId/taskDefinitionArn`, sets the deployment
   *   `running` with `currentReleaseId`, and calls `monitor.watch`.
   * - `rollback` is run by the runner when `verify` fails and an earlier release exists
   *   (`state.rollbackTo` is set): it must put that release back live. Manual rollback runs list
   *   their own steps through `steps('rollback')`, with `state.rollbackTo` preset.
   */
  runStep(step: StepName, context: StepContext<State>): Promise<void>;
  /** Turns an unexpected error into a StepFailure (e.g. engine unreachable), or undefined. */
  classifyError?(error: unknown, step: StepName): StepFailure | undefined;
  /**
   * Cleans up what an aborted or failed run left behind (a half-started candidate container, a
   * temporary tag). Never touches the release that is serving.
   */
  cleanupRun?(context: StepContext<State>): Promise<void>;
  /** The stop sequence for the deployment's live instance (docs/product-rules.md, "Stopping"). Must not throw. */
  stopDeployment(deployment: Deployment, project: ProjectRecord, log: TargetStopLog, options?: StopOptions): Promise<void>;
  /** After the deployment's project was deleted (and its stop finished): removes what the target kept on disk for it. Must not throw. */
  forgetDeployment?(deploymentId: string): Promise<void>;
  /** Start-up reconciliation with what the target really runs (called after interrupted runs are closed). */
  reconcile?(deployments: readonly Deployment[], log: (deploymentId: string, text: string) => void): Promise<void>;
}
