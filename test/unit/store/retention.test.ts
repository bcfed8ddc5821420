import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/store';
import { applyRetention, DEFAULT_RETENTION } from '../../../electron/engine/store/retention';
import type { StoredLine } from '../../../electron/engine/store/log-lines';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21);

function line(lineNo: number, ageDays: number, stream: StoredLine['stream'], source: StoredLine['source']): StoredLine {
  return { deploymentId: 'dep_a', lineNo, ts: NOW - ageDays * DAY, stream, source, runId: null, step: null, text: `line ${lineNo}`, cut: false };
}

describe('applyRetention', () => {
  it('deletes exactly the rows older than each cutoff, in small batches, and keeps runs', () => {
    const store = Store.open(':memory:');
    const project = store.projects.create({ name: 'p', sourceDir: '/tmp', target: 'docker', settings: { port: 1, healthPath: '/h', env: [], memoryLimitMb: 6, restartPolicy: 'no', keepCrashedContainers: false, verifyTimeoutMs: 1000, muteNotifications: false } });
    const deployment = store.deployments.create(project.id, 'docker');
    store.db.prepare("UPDATE deployments SET id = 'dep_a' WHERE id = ?").run(deployment.id);
    const run = store.runs.create({ projectId: project.id, deploymentId: 'dep_a', kind: 'deploy', steps: ['build'] });
    store.logLines.insertMany([
      line(1, 7.01, 'stdout', 'runtime'), // runtime, past 7 days: deleted
      line(2, 6.99, 'stderr', 'runtime'), // runtime, within 7 days: kept
      line(3, 30.01, 'system', 'runtime'), // system, past 30 days: deleted
      line(4, 29.99, 'system', 'runtime'), // system within 30: kept
      line(5, 8, 'stdout', 'deploy'), // deploy-step line within 30 days: kept
      line(6, 31, 'stdout', 'deploy'), // deploy-step past 30: deleted
      ...Array.from({ length: 25 }, (_, i) => line(100 + i, 10, 'stdout', 'runtime')), // many old: deleted in batches
    ]);
    store.metrics.insertSamples([
      { deploymentId: 'dep_a', sampledAt: NOW - 7.01 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 2 },
      { deploymentId: 'dep_a', sampledAt: NOW - 2.9 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 2 },
    ]);
    store.metrics.insertProbe({ deploymentId: 'dep_a', probedAt: NOW - 8 * DAY, ok: true, statusCode: 200, latencyMs: 1, error: null });

    const result = applyRetention(store.db, { ...DEFAULT_RETENTION, batchSize: 4 }, NOW);

    expect(result).toEqual({ runtimeLines: 26, systemLines: 1, deployLines: 1, metrics: 1, healthProbes: 1 });
    const left = (store.db.prepare('SELECT line_no FROM log_lines ORDER BY line_no').all() as { line_no: number }[]).map((r) => r.line_no);
    expect(left).toEqual([2, 4, 5]);
    expect(store.runs.get(run.id)).toBeDefined();
    expect(store.metrics.samples('dep_a', 0, NOW)).toHaveLength(1);
    store.close();
  });

  it('never deletes metrics younger than 3 days, whatever the setting', () => {
    const store = Store.open(':memory:');
    store.metrics.insertSamples([{ deploymentId: 'x', sampledAt: NOW - 2 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 1 }]);
    applyRetention(store.db, { ...DEFAULT_RETENTION, metricDays: 1 }, NOW);
    expect(store.metrics.samples('x', 0, NOW)).toHaveLength(1);
    store.close();
  });
});

describe('retention and line numbering', () => {
  it('keeps lineNo counting up after every line of a deployment expired, across a restart of the writer', async () => {
    const { LogWriter } = await import('../../../electron/engine/logs/log-writer');
    const store = Store.open(':memory:');
    store.logLines.insertMany([line(1, 40, 'stdout', 'runtime'), line(2, 40, 'system', 'runtime')]);
    applyRetention(store.db, DEFAULT_RETENTION, NOW);
    expect(store.logLines.since('dep_a', 0, 10)).toEqual([]);
    // A new writer (as after an engine restart) continues after the expired lines.
    const writer = new LogWriter(store);
    expect(writer.append('dep_a', { stream: 'stdout', source: 'runtime', text: 'after expiry' })).toBe(3);
    writer.close();
    expect(store.logLines.since('dep_a', 2, 10).map((l) => l.lineNo)).toEqual([3]);
    store.close();
  });
});
