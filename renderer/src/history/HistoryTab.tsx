import { useEffect, useMemo, useRef, useState } from 'react';
import { RUN_KINDS, RUN_STATUSES, type ApiError, type Release, type Run, type RunDetail, type RunKind, type RunStatus } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { formatDuration, formatTime, humanize } from '../common/format';
import { StatusBadge } from '../common/StatusBadge';
import { useEngineEvent } from '../common/use-event';
import { averageDurationMs, compareRuns, filterRuns, runsPerDay, type RunFilter } from './run-history';

/** Side by side: status, per-step durations, image, failure, first error. */
function RunComparison({ left, right, releases }: { left: RunDetail; right: RunDetail; releases: readonly Release[] }) {
  const rows = compareRuns(left, right, releases);
  return (
    <table className="compare-table" aria-label="Run comparison">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Field</span>
          </th>
          <th scope="col">
            {humanize(left.kind)} <span className="mono muted">{left.id}</span>
            <div className="muted">{formatTime(left.createdAt)}</div>
          </th>
          <th scope="col">
            {humanize(right.kind)} <span className="mono muted">{right.id}</span>
            <div className="muted">{formatTime(right.createdAt)}</div>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} data-differs={row.differs || undefined}>
            <th scope="row">{row.label}</th>
            <td className={(row.label === 'First error' || row.label.startsWith('Image')) && row.left !== '—' ? 'mono wrap' : undefined}>{row.left}</td>
            <td className={(row.label === 'First error' || row.label.startsWith('Image')) && row.right !== '—' ? 'mono wrap' : undefined}>{row.right}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const HISTORY_PAGE = 100;

export interface HistoryTabProps {
  readonly runs: readonly Run[];
  /** Shows this run's steps in the steps panel. */
  readonly onViewRun: (runId: string) => void;
  readonly viewedRunId: string | null;
  /** The project's releases: a Compose stack's compare shows each service's image from them. */
  readonly releases?: readonly Release[];
}

/** Run history: newest first, filters, frequency, average duration, and a comparison of any two runs. */
export function HistoryTab({ runs, onViewRun, viewedRunId, releases = [] }: HistoryTabProps) {
  const api = useApi();
  const [filter, setFilter] = useState<RunFilter>({ status: 'all', kind: 'all' });
  const [selected, setSelected] = useState<readonly string[]>([]);
  const [details, setDetails] = useState<ReadonlyMap<string, RunDetail>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [now] = useState(() => Date.now());
  // Runs are kept forever: render a page at a time.
  const [limit, setLimit] = useState(HISTORY_PAGE);

  const shown = useMemo(() => filterRuns(runs, filter), [runs, filter]);

  // Loads the details (steps) of the runs being compared, once each; runUpdated keeps them fresh.
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const runId of selected) {
      if (requested.current.has(runId)) continue;
      requested.current.add(runId);
      void api.request('getRun', { id: runId }).then((result) => {
        if (!result.ok) {
          requested.current.delete(runId);
          return setError(result.error);
        }
        setDetails((current) => new Map(current).set(runId, result.value));
      });
    }
  }, [api, selected]);

  useEngineEvent('runUpdated', (run) => {
    if (details.has(run.id)) setDetails((current) => new Map(current).set(run.id, run));
  });

  const toggle = (runId: string) =>
    setSelected((current) => {
      if (current.includes(runId)) return current.filter((id) => id !== runId);
      // Picking a third run replaces the one picked first.
      return [...current, runId].slice(-2);
    });

  const [leftId, rightId] = selected;
  const left = leftId ? details.get(leftId) : undefined;
  const right = rightId ? details.get(rightId) : undefined;
  const average = averageDurationMs(shown);

  return (
    <div className="history">
      <div className="history-toolbar">
        <label>
          Status
          <select value={filter.status} onChange={(event) => setFilter({ ...filter, status: event.target.value as RunStatus | 'all' })}>
            <option value="all">All</option>
            {RUN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={filter.kind} onChange={(event) => setFilter({ ...filter, kind: event.target.value as RunKind | 'all' })}>
            <option value="all">All</option>
            {RUN_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {humanize(kind)}
              </option>
            ))}
          </select>
        </label>
        <dl className="history-stats" aria-label="Run statistics">
          <div>
            <dt>Runs</dt>
            <dd>{shown.length}</dd>
          </div>
          <div>
            <dt>Frequency</dt>
            <dd>{runsPerDay(shown, now).toFixed(1)} runs/day</dd>
          </div>
          <div>
            <dt>Average duration</dt>
            <dd>{formatDuration(average)}</dd>
          </div>
        </dl>
      </div>

      {error ? <ErrorNotice action="Could not load a run." error={error} onDismiss={() => setError(null)} /> : null}

      {runs.length === 0 ? <p className="muted">No runs yet. Press Deploy to start the first one.</p> : null}
      {runs.length > 0 && shown.length === 0 ? <p className="muted">No run matches these filters.</p> : null}

      {shown.length > 0 ? (
        <>
          <p className="muted">Tick two runs to compare them side by side.</p>
          <table className="runs-table" aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">Started</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Failure</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, limit).map((run) => (
                <tr key={run.id} data-viewed={run.id === viewedRunId || undefined}>
                  <td>
                    <input type="checkbox" aria-label={`Compare run ${run.id}`} checked={selected.includes(run.id)} onChange={() => toggle(run.id)} />
                  </td>
                  <td>{formatTime(run.createdAt)}</td>
                  <td>{humanize(run.kind)}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td className="mono">{formatDuration(run.durationMs)}</td>
                  <td className="mono">{run.failure?.code ?? ''}</td>
                  <td>
                    <button type="button" className="button subtle small" onClick={() => onViewRun(run.id)} aria-label={`Show steps of run ${run.id}`}>
                      Steps
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length > limit ? (
            <button type="button" className="button subtle" onClick={() => setLimit(limit + HISTORY_PAGE)}>
              Show {Math.min(HISTORY_PAGE, shown.length - limit)} more of {shown.length - limit} older runs
            </button>
          ) : null}
        </>
      ) : null}

      {selected.length === 2 ? (
        left && right ? (
          <section className="panel" aria-label="Compare runs">
            <div className="panel-heading">
              <h3>Compare runs</h3>
              <button type="button" className="button subtle small" onClick={() => setSelected([])}>
                Clear
              </button>
            </div>
            <RunComparison left={left} right={right} releases={releases} />
          </section>
        ) : (
          <p className="muted">Loading the two runs…</p>
        )
      ) : null}
    </div>
  );
}
