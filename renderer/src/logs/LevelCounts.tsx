// Lines per level, for the shown run and for the runtime (GET …/logs/levels, kept by the engine as lines
// are stored, so this is cheap at any history size). Refreshed while lines arrive, at most every few seconds.
import { useEffect, useRef, useState } from 'react';
import { LOG_LEVELS, type LogLevel, type LogLevelCounts } from '../../../shared';
import { useApi } from '../api/api-context';

const REFRESH_MS = 3000;
/** Shown when not zero, most severe first; `unknown` (no level in the line) last. */
const SHOWN: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unknown'];

export interface LevelCountsProps {
  readonly deploymentId: string;
  readonly runId: string | null;
  /** The newest lineNo known to the viewer: a change is what makes the counts worth asking again. */
  readonly knownLast: number;
  /** A Compose stack's services shown (the Services menu): only their lines are counted; null: every line. */
  readonly services?: readonly string[] | null;
}

function summary(counts: Record<LogLevel, number>): { level: LogLevel; lines: number }[] {
  return SHOWN.filter((level) => (counts[level] ?? 0) > 0).map((level) => ({ level, lines: counts[level] }));
}

export function LevelCounts({ deploymentId, runId, knownLast, services = null }: LevelCountsProps) {
  const service = services && services.length > 0 ? services.join(',') : undefined;
  const api = useApi();
  const [counts, setCounts] = useState<LogLevelCounts | null>(null);
  const [askedAt, setAskedAt] = useState(0);
  // The services asked for last: another choice in the Services menu asks again at once.
  const askedFor = useRef(service);

  useEffect(() => {
    let cancelled = false;
    const wait = askedFor.current !== service ? 0 : Math.max(0, askedAt + REFRESH_MS - Date.now());
    askedFor.current = service;
    const timer = setTimeout(() => {
      setAskedAt(Date.now());
      void api.request('getLogLevels', { id: deploymentId, ...(runId ? { runId } : {}), ...(service ? { service } : {}) }).then((result) => {
        if (!cancelled && result.ok) setCounts(result.value);
      });
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // askedAt is not a trigger: it only spaces the requests out.
  }, [api, deploymentId, runId, knownLast, service]);

  if (!counts) return null;
  const groups = [
    { name: 'Run', counts: counts.run },
    { name: 'Runtime', counts: counts.runtime },
  ].filter((group): group is { name: string; counts: Record<LogLevel, number> } => group.counts !== null && LOG_LEVELS.some((level) => (group.counts?.[level] ?? 0) > 0));
  if (groups.length === 0) return null;
  return (
    <p className="log-level-counts" data-testid="log-level-counts" aria-label="Lines per level">
      {groups.map((group) => (
        <span key={group.name} className="log-level-group">
          <strong>{group.name}</strong>
          {summary(group.counts).map(({ level, lines }) => (
            <span key={level} className={`log-level log-level-${level}`} data-level={level}>
              {lines.toLocaleString()} {level}
            </span>
          ))}
        </span>
      ))}
    </p>
  );
}
