import type { DeploymentStatus, RunStatus } from '../../../shared';
import { humanize } from './format';

/** Colour families for deployment and run statuses (steps have their own indicator); the CSS maps tones to colours. */
export type Tone = 'neutral' | 'active' | 'good' | 'warn' | 'bad';

const TONES: Readonly<Record<DeploymentStatus | RunStatus, Tone>> = {
  pending: 'neutral',
  deploying: 'active',
  running: 'good',
  failed: 'bad',
  degraded: 'warn',
  unreachable: 'warn',
  paused: 'neutral',
  stopped: 'neutral',
  crashed: 'bad',
  started: 'active',
  in_progress: 'active',
  completed: 'good',
};

export function toneOf(status: DeploymentStatus | RunStatus): Tone {
  return TONES[status];
}

export function StatusBadge({ status, label }: { status: DeploymentStatus | RunStatus; label?: string }) {
  return (
    <span className="badge" data-tone={toneOf(status)} data-status={status} aria-label={label ? `${label}: ${humanize(status)}` : undefined}>
      {humanize(status)}
    </span>
  );
}
