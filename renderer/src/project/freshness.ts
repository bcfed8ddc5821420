// Request answers and engine events race: a deploy that fails at once can emit its final
// runUpdated before the deploy request's answer (status "started") arrives. These checks keep
// the newer snapshot whichever arrives last.
import { isFinishedRun, type Deployment, type RunDetail } from '../../../shared';

const FINISHED_STEP = new Set(['success', 'failed', 'skipped']);

/** How far a run has got; snapshots of one run only ever move forward. */
export function runProgress(run: RunDetail): number {
  let progress = isFinishedRun(run.status) ? 10_000 : 0;
  for (const step of run.steps) {
    if (step.status !== 'pending') progress += 1;
    if (FINISHED_STEP.has(step.status)) progress += 1;
  }
  return progress;
}

/** True when `incoming` should replace `current` (another run, or the same run at least as far along). */
export function isFresherRun(current: RunDetail | null | undefined, incoming: RunDetail): boolean {
  if (!current || current.id !== incoming.id) return true;
  return runProgress(incoming) >= runProgress(current);
}

/** True when `incoming` should replace `current` (another deployment, or an update at least as recent). */
export function isFresherDeployment(current: Deployment | null | undefined, incoming: Deployment): boolean {
  if (!current || current.id !== incoming.id) return true;
  return incoming.updatedAt >= current.updatedAt;
}
