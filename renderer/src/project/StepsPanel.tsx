import type { RunDetail, Step } from '../../../shared';
import { elapsedMs, formatDuration, formatTime, humanize } from '../common/format';
import { StatusBadge } from '../common/StatusBadge';
import { useNow } from '../common/use-now';

const ACTIVE = new Set(['started', 'in_progress', 'paused']);

export function isActiveRun(run: RunDetail | null): boolean {
  return run !== null && ACTIVE.has(run.status);
}

export interface RunControlHandlers {
  readonly onPause: () => void;
  readonly onResume: () => void;
  readonly onStop: () => void;
  /** Which control is waiting for the engine, if any. */
  readonly busy: 'pause' | 'resume' | 'stop' | null;
}

/** Pause / Resume / Stop for a run. */
export function RunControls({ run, controls }: { run: RunDetail; controls: RunControlHandlers }) {
  if (!isActiveRun(run)) return null;
  const paused = run.status === 'paused';
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      {paused ? (
        <button type="button" className="button" disabled={controls.busy !== null} onClick={controls.onResume}>
          {controls.busy === 'resume' ? 'Resuming…' : 'Resume'}
        </button>
      ) : (
        <button type="button" className="button" disabled={controls.busy !== null} onClick={controls.onPause} title="The current step finishes, then the run waits.">
          {controls.busy === 'pause' ? 'Pausing…' : 'Pause'}
        </button>
      )}
      <button type="button" className="button danger" disabled={controls.busy !== null} onClick={controls.onStop} title="Cancels the remaining steps; completed steps are not rolled back.">
        {controls.busy === 'stop' ? 'Stopping…' : 'Stop run'}
      </button>
    </div>
  );
}

function StepItem({ step, now, onOpen }: { step: Step; now: number; onOpen: (step: Step) => void }) {
  const duration = step.durationMs ?? (step.status === 'running' ? elapsedMs(step.startedAt, step.finishedAt, now) : null);
  return (
    <li className="step" data-status={step.status}>
      <button type="button" className="step-button" onClick={() => onOpen(step)} aria-label={`${step.name}: ${humanize(step.status)}${duration !== null ? `, ${formatDuration(duration)}` : ''}. Show its logs.`}>
        <span className="step-dot" aria-hidden="true" />
        <span className="step-name">{step.name}</span>
        <span className="step-status">{humanize(step.status)}</span>
        <span className="step-duration mono">{duration !== null ? formatDuration(duration) : ''}</span>
      </button>
    </li>
  );
}

/** The steps of one run with live status and durations; clicking a step shows its logs. */
export function StepsPanel({ run, isLatest, controls, onOpenStep, onShowLatest }: { run: RunDetail; isLatest: boolean; controls: RunControlHandlers; onOpenStep: (step: Step) => void; onShowLatest: () => void }) {
  const live = isActiveRun(run);
  const now = useNow(live);
  const total = run.durationMs ?? (live ? elapsedMs(run.startedAt ?? run.createdAt, run.finishedAt, now) : null);
  return (
    <section className="panel steps-panel" aria-label="Run steps">
      <div className="panel-heading">
        <h3>
          {humanize(run.kind)} run <span className="mono muted">{run.id}</span>
        </h3>
        <StatusBadge status={run.status} label="Run status" />
        <span className="muted">{formatTime(run.createdAt)}</span>
        <span className="mono muted" aria-label="Run duration">
          {formatDuration(total)}
        </span>
        {!isLatest ? (
          <button type="button" className="button subtle small" onClick={onShowLatest}>
            Show latest run
          </button>
        ) : null}
        <RunControls run={run} controls={controls} />
      </div>
      {run.steps.length === 0 ? <p className="muted">This run has no steps yet.</p> : null}
      <ol className="steps" aria-label="Steps">
        {[...run.steps]
          .sort((a, b) => a.position - b.position)
          .map((step) => (
            <StepItem key={step.name} step={step} now={now} onOpen={onOpenStep} />
          ))}
      </ol>
    </section>
  );
}
