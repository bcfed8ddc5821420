// Run history maths for the History tab: filters, frequency, average duration and the side-by-side
// comparison of two runs. Pure functions over the contract's types.
import { STEP_NAMES, type Release, type Run, type RunDetail, type RunKind, type RunStatus, type StepName } from '../../../shared';
import { stripAnsi } from '../../../shared/error-lines';
import { formatDuration, humanize } from '../common/format';

export interface RunFilter {
  readonly status: RunStatus | 'all';
  readonly kind: RunKind | 'all';
}

export function filterRuns<R extends Run>(runs: readonly R[], filter: RunFilter): R[] {
  return runs.filter((run) => (filter.status === 'all' || run.status === filter.status) && (filter.kind === 'all' || run.kind === filter.kind));
}

/** Newest first. */
export function newestFirst<R extends Run>(runs: readonly R[]): R[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

const DAY_MS = 86_400_000;

/** Runs per day over the span from the oldest run to `now` (at least one day, so a fresh project is not inflated). */
export function runsPerDay(runs: readonly Run[], now: number): number {
  if (runs.length === 0) return 0;
  const oldest = Math.min(...runs.map((run) => Date.parse(run.createdAt)).filter((time) => !Number.isNaN(time)));
  if (!Number.isFinite(oldest)) return 0;
  const days = Math.max(1, (now - oldest) / DAY_MS);
  return runs.length / days;
}

/** Mean duration of the runs that finished (any outcome); null when none has. */
export function averageDurationMs(runs: readonly Run[]): number | null {
  const durations = runs.map((run) => run.durationMs).filter((duration): duration is number => duration !== null);
  if (durations.length === 0) return null;
  return durations.reduce((sum, duration) => sum + duration, 0) / durations.length;
}

export interface ComparisonRow {
  readonly label: string;
  readonly left: string;
  readonly right: string;
  /** True when the two sides differ in kind (not just timing), so the view can mark the row. */
  readonly differs: boolean;
}

function stepCell(run: RunDetail, name: StepName): string {
  const step = run.steps.find((candidate) => candidate.name === name);
  if (!step) return '—';
  if (step.status === 'success' || step.status === 'failed') return `${humanize(step.status)} · ${formatDuration(step.durationMs)}`;
  return humanize(step.status);
}

/** The rows of a side-by-side comparison: status, per-step durations, image, failure and first error. */
/**
 * A Compose stack's per-service images of two runs (their releases' `services`), one row per service either has:
 * `Image: <service>`. Empty when neither run made a stack release.
 */
export function compareServiceImages(left: RunDetail, right: RunDetail, releases: readonly Release[]): ComparisonRow[] {
  const servicesOf = (run: RunDetail) => releases.find((release) => release.runId === run.id)?.services ?? [];
  const leftServices = servicesOf(left);
  const rightServices = servicesOf(right);
  const names = [...new Set([...leftServices, ...rightServices].map((service) => service.name))].sort();
  return names.map((name) => {
    const leftValue = leftServices.find((service) => service.name === name)?.imageRef ?? '—';
    const rightValue = rightServices.find((service) => service.name === name)?.imageRef ?? '—';
    return { label: `Image: ${name}`, left: leftValue, right: rightValue, differs: leftValue !== rightValue };
  });
}

export function compareRuns(left: RunDetail, right: RunDetail, releases: readonly Release[] = []): ComparisonRow[] {
  const row = (label: string, leftValue: string, rightValue: string, differs = leftValue !== rightValue): ComparisonRow => ({ label, left: leftValue, right: rightValue, differs });
  // Durations always differ a little; a step row is marked only when its outcome differs.
  const stepStatus = (run: RunDetail, name: StepName) => run.steps.find((step) => step.name === name)?.status ?? null;
  const stepNames = STEP_NAMES.filter((name) => left.steps.some((step) => step.name === name) || right.steps.some((step) => step.name === name));
  const failure = (run: RunDetail) => (run.failure ? `${run.failure.code} (${run.failure.stage})` : '—');
  const firstError = (run: RunDetail) => (run.failure?.evidence.line ? stripAnsi(run.failure.evidence.line) : '—');
  return [
    row('Status', humanize(left.status), humanize(right.status)),
    row('Kind', humanize(left.kind), humanize(right.kind)),
    row('Duration', formatDuration(left.durationMs), formatDuration(right.durationMs), false),
    ...stepNames.map((name) => row(`Step: ${name}`, stepCell(left, name), stepCell(right, name), stepStatus(left, name) !== stepStatus(right, name))),
    row('Image', left.imageRef ?? '—', right.imageRef ?? '—'),
    ...compareServiceImages(left, right, releases),
    row('Failure', failure(left), failure(right)),
    row('First error', firstError(left), firstError(right)),
  ];
}
