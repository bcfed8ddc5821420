import type { Database } from 'better-sqlite3';
import type { HealthProbe, MetricSample } from '../../../shared';
import { toIso } from './time';

export interface NewMetricSample {
  readonly deploymentId: string;
  readonly sampledAt: number;
  readonly cpuPct: number;
  readonly memUsedMb: number;
  readonly memLimitMb: number;
  /**
   * A Compose stack service's own sample (stored in `service_metrics`, migration 011); null/absent: the
   * deployment's total (for a stack, the sum of its services).
   */
  readonly service?: string | null;
}

interface MetricRow {
  deployment_id: string;
  sampled_at: number;
  cpu_pct: number;
  mem_used_mb: number;
  mem_limit_mb: number;
  service?: string;
}

const fromMetricRow = (row: MetricRow): MetricSample => ({
  deploymentId: row.deployment_id,
  sampledAt: toIso(row.sampled_at),
  cpuPct: row.cpu_pct,
  memUsedMb: row.mem_used_mb,
  memLimitMb: row.mem_limit_mb,
  ...(row.service !== undefined ? { service: row.service } : {}),
});

export interface NewHealthProbe {
  readonly deploymentId: string;
  readonly probedAt: number;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
}

export class MetricRepository {
  constructor(private readonly db: Database) {}

  insertSamples(samples: readonly NewMetricSample[]): void {
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO metrics (deployment_id, sampled_at, cpu_pct, mem_used_mb, mem_limit_mb) VALUES (?, ?, ?, ?, ?)',
    );
    const insertService = this.db.prepare(
      'INSERT OR REPLACE INTO service_metrics (deployment_id, service, sampled_at, cpu_pct, mem_used_mb, mem_limit_mb) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const s of samples) {
        if (s.service) insertService.run(s.deploymentId, s.service, s.sampledAt, s.cpuPct, s.memUsedMb, s.memLimitMb);
        else insert.run(s.deploymentId, s.sampledAt, s.cpuPct, s.memUsedMb, s.memLimitMb);
      }
    })();
  }

  /** The deployment's total samples (for a stack, the sum of its services), oldest first. */
  samples(deploymentId: string, from: number, to: number): MetricSample[] {
    const rows = this.db
      .prepare('SELECT * FROM metrics WHERE deployment_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at')
      .all(deploymentId, from, to) as MetricRow[];
    return rows.map(fromMetricRow);
  }

  /**
   * A stack's per-service samples (each with `service`), by service name then time; empty for a deployment that is
   * not a stack. `services` restricts to those names.
   */
  serviceSamples(deploymentId: string, from: number, to: number, services?: readonly string[]): MetricSample[] {
    if (services?.length === 0) return [];
    const only = services ? ` AND service IN (${services.map(() => '?').join(', ')})` : '';
    const rows = this.db
      .prepare(`SELECT * FROM service_metrics WHERE deployment_id = ? AND sampled_at BETWEEN ? AND ?${only} ORDER BY service, sampled_at`)
      .all(deploymentId, from, to, ...(services ?? [])) as MetricRow[];
    return rows.map(fromMetricRow);
  }

  insertProbe(probe: NewHealthProbe): void {
    this.db
      .prepare('INSERT INTO health_probes (deployment_id, probed_at, ok, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?)')
      .run(probe.deploymentId, probe.probedAt, probe.ok ? 1 : 0, probe.statusCode, probe.latencyMs, probe.error);
  }

  probes(deploymentId: string, from: number, to: number): HealthProbe[] {
    const rows = this.db
      .prepare('SELECT * FROM health_probes WHERE deployment_id = ? AND probed_at BETWEEN ? AND ? ORDER BY probed_at')
      .all(deploymentId, from, to) as {
      deployment_id: string;
      probed_at: number;
      ok: number;
      status_code: number | null;
      latency_ms: number | null;
      error: string | null;
    }[];
    return rows.map((row) => ({
      deploymentId: row.deployment_id,
      probedAt: toIso(row.probed_at),
      ok: row.ok === 1,
      statusCode: row.status_code,
      latencyMs: row.latency_ms,
      error: row.error,
    }));
  }
}
