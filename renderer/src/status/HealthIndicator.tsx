import { useEffect, useState } from 'react';
import type { EngineStatus } from '../../../shared';
import { useApi } from '../api/api-context';

/** `getStatus` has no event, so this is the one place that polls. */
export const STATUS_POLL_MS = 10_000;

type Health = { readonly kind: 'loading' } | { readonly kind: 'ok'; readonly status: EngineStatus } | { readonly kind: 'unreachable'; readonly message: string };

/** The system health indicator in the app header: Docker engine, AWS, and the engine as a whole. */
export function HealthIndicator() {
  const api = useApi();
  const [health, setHealth] = useState<Health>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      const result = await api.request('getStatus', {});
      if (cancelled) return;
      setHealth(result.ok ? { kind: 'ok', status: result.value } : { kind: 'unreachable', message: result.error.message });
      timer = setTimeout(() => void check(), STATUS_POLL_MS);
    };
    void check();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api]);

  if (health.kind === 'loading') {
    return (
      <div className="health" role="status" aria-label="System health">
        <span className="health-dot" data-state="unknown" aria-hidden="true" />
        Checking engine…
      </div>
    );
  }
  if (health.kind === 'unreachable') {
    return (
      <div className="health" role="status" aria-label="System health" title={health.message}>
        <span className="health-dot" data-state="bad" aria-hidden="true" />
        <strong>Engine unreachable</strong>
        <span className="health-detail">{health.message}</span>
      </div>
    );
  }
  const { status } = health;
  const dockerText = status.docker.reachable ? `Docker ${status.docker.version ?? ''}`.trim() : 'Docker offline';
  const awsText = status.aws.configured ? `AWS configured${status.aws.region ? ` (${status.aws.region})` : ''}` : 'AWS not configured';
  const overall = status.degraded ? 'Degraded' : 'Healthy';
  return (
    <div
      className="health"
      role="status"
      aria-label="System health"
      data-degraded={status.degraded}
      title={status.docker.error ?? `Berth ${status.version}`}
    >
      <span className="health-dot" data-state={status.degraded ? 'bad' : 'good'} aria-hidden="true" />
      <strong>{overall}</strong>
      <span className="health-part" data-state={status.docker.reachable ? 'good' : 'bad'}>
        {dockerText}
      </span>
      <span className="health-part" data-state={status.aws.configured ? 'good' : 'neutral'}>
        {awsText}
      </span>
      {status.disk.full ? (
        <span className="health-part" data-state="bad" title={`Since ${status.disk.since ?? '?'}: ${status.disk.heldLines} log lines wait in memory${status.disk.droppedLines ? `, ${status.disk.droppedLines} could not be kept` : ''}. Free space on the data dir's disk; Berth resumes by itself.`}>
          Disk full
        </span>
      ) : null}
      {status.docker.error ? <span className="visually-hidden">{status.docker.error}</span> : null}
    </div>
  );
}
