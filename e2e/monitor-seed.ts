// Seeds a data dir with 3 days of metric samples, probes and runtime lines for the monitor e2e specs,
// through the engine's own Store and LogWriter before the engine starts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema } from '../shared';

export const SAMPLE_MS = 30_000;
export const SAMPLES = 8640; // 3 days at one sample per 30 s
const LINE_EVERY_MS = 10 * 60_000;
/** The first day's ticks: a stderr warning, then the stdout line, at the same moment. */
const WARN_FOR_MS = 24 * 3_600_000;
export const CRASH_BEFORE_END_MS = 2 * 3_600_000 + 5 * 60_000;

export interface SeededMonitor {
  readonly dataDir: string;
  readonly projectId: string;
  readonly deploymentId: string;
  /** lineNo → time of the seeded runtime line. */
  readonly lineTimes: ReadonlyMap<number, number>;
  /** lineNo → stream (the first day's ticks are a stderr warning, then the stdout line). */
  readonly lineStreams: ReadonlyMap<number, 'stdout' | 'stderr' | 'system'>;
  readonly from: number;
  readonly to: number;
}

export function seedThreeDays(): SeededMonitor {
  const dataDir = mkdtempSync(join(tmpdir(), 'monitor-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  const lineTimes = new Map<number, number>();
  const lineStreams = new Map<number, 'stdout' | 'stderr' | 'system'>();
  try {
    const project = store.projects.create({ name: 'monitor charts', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    const to = Date.now();
    const from = to - (SAMPLES - 1) * SAMPLE_MS;
    store.deployments.update(deployment.id, { status: 'running', health: 'healthy', startedAt: from });
    const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: ['detect', 'build', 'setup', 'deploy', 'verify', 'done'] });
    store.runs.update(run.id, { status: 'completed', startedAt: from + 86_400_000, finishedAt: from + 86_400_000 + 60_000 });
    store.metrics.insertSamples(
      Array.from({ length: SAMPLES }, (_, index) => ({
        deploymentId: deployment.id,
        sampledAt: from + index * SAMPLE_MS,
        cpuPct: 20 + 15 * Math.sin(index / 120) + (index % 97 === 0 ? 60 : 0),
        memUsedMb: 200 + index / 40,
        memLimitMb: 1536,
      })),
    );
    for (let index = 0; index < 3 * 24 * 60; index += 1) {
      const probedAt = from + index * 60_000;
      // An hour of failures: longer than a probe bucket at 3 days, so one bucket has no latency (a gap).
      const failing = index >= 2000 && index < 2060;
      store.metrics.insertProbe({ deploymentId: deployment.id, probedAt, ok: !failing, statusCode: failing ? 503 : 200, latencyMs: failing ? null : 3 + (index % 5), error: failing ? 'HTTP 503' : null });
    }
    const writer = new LogWriter(store);
    // A crash two hours before the end, as the monitor writes it: a crash marker on the charts.
    const crashAt = to - CRASH_BEFORE_END_MS;
    for (let ts = from; ts <= to; ts += LINE_EVERY_MS) {
      if (ts > crashAt && ts - LINE_EVERY_MS <= crashAt) {
        const crashLine = writer.append(deployment.id, { stream: 'system', source: 'runtime', text: '[CRASH] exit=137 oom=true', ts: crashAt });
        lineTimes.set(crashLine, crashAt);
        lineStreams.set(crashLine, 'system');
      }
      // The first day's ticks also warn on stderr first; the last lines (what the log opens on) stay as they were.
      for (const stream of ts < from + WARN_FOR_MS ? (['stderr', 'stdout'] as const) : (['stdout'] as const)) {
        const lineNo = writer.append(deployment.id, { stream, source: 'runtime', text: `runtime ${stream === 'stdout' ? 'tick' : 'warn'} at ${new Date(ts).toISOString()}`, ts });
        lineTimes.set(lineNo, ts);
        lineStreams.set(lineNo, stream);
      }
    }
    writer.close();
    return { dataDir, projectId: project.id, deploymentId: deployment.id, lineTimes, lineStreams, from, to };
  } finally {
    store.close();
  }
}
