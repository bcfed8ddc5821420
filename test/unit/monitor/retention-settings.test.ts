import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob, saveRetentionSettings } from '../../../electron/engine/host/retention-job';
import { DEFAULT_RETENTION } from '../../../electron/engine/store/retention';
import { Store } from '../../../electron/engine/store/store';
import type { StoredLine } from '../../../electron/engine/store/log-lines';
import type { EngineSettings } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21);

function line(lineNo: number, ageDays: number, stream: StoredLine['stream'], source: StoredLine['source']): StoredLine {
  return { deploymentId: 'dep_r', lineNo, ts: NOW - ageDays * DAY, stream, source, runId: null, step: null, text: `line ${lineNo}`, cut: false };
}

describe('retention settings', () => {
  it('the hourly job applies saved settings: exactly the rows past each changed cutoff go', () => {
    const store = Store.open(':memory:');
    store.logLines.insertMany([
      line(1, 2.01, 'stdout', 'runtime'), // past a 2-day runtime cutoff
      line(2, 1.99, 'stdout', 'runtime'),
      line(3, 5.01, 'system', 'runtime'), // past a 5-day system cutoff
      line(4, 4.99, 'system', 'runtime'),
      line(5, 10.01, 'stdout', 'deploy'), // past a 10-day deploy cutoff
      line(6, 9.99, 'stdout', 'deploy'),
    ]);
    store.metrics.insertSamples([
      { deploymentId: 'dep_r', sampledAt: NOW - 4.01 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 1 },
      { deploymentId: 'dep_r', sampledAt: NOW - 3.99 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 1 },
    ]);
    const job = new RetentionJob(store, 0);
    // With the defaults nothing here is old enough.
    job.runOnce(NOW);
    expect(store.logLines.since('dep_r', 0, 100)).toHaveLength(6);

    saveRetentionSettings(store, { runtimeLineDays: 2, systemLineDays: 5, deployLineDays: 10, metricDays: 4 });
    expect(job.settings()).toEqual({ ...DEFAULT_RETENTION, runtimeLineDays: 2, systemLineDays: 5, deployLineDays: 10, metricDays: 4 });
    job.runOnce(NOW);
    expect(store.logLines.since('dep_r', 0, 100).map((kept) => kept.lineNo)).toEqual([2, 4, 6]);
    expect(store.metrics.samples('dep_r', 0, NOW)).toHaveLength(1);
    store.close();
  });

  describe('over the HTTP API', () => {
    let host: TestHost;
    beforeAll(async () => {
      host = await startTestHost({ config: { retentionIntervalMs: 0, healthIntervalMs: 0, metricsIntervalMs: 0 } });
    });
    afterAll(async () => {
      await host.stop();
    });

    it('GET /api/settings shows the defaults; PATCH changes only what it names and survives a re-read', async () => {
      const initial = await host.json<{ retention: EngineSettings['retention'] }>('/api/settings');
      expect(initial).toEqual({ status: 200, body: { retention: DEFAULT_RETENTION } });
      const patched = await host.json<EngineSettings>('/api/settings', { method: 'PATCH', body: JSON.stringify({ retention: { runtimeLineDays: 3 } }) });
      expect(patched.status).toBe(200);
      expect(patched.body.retention).toEqual({ ...DEFAULT_RETENTION, runtimeLineDays: 3 });
      expect((await host.json<EngineSettings>('/api/settings')).body.retention.runtimeLineDays).toBe(3);
    });

    it('rejects metrics kept under 3 days and unknown fields with a 400 that names the field', async () => {
      const short = await host.json<{ error: { code: string; message: string } }>('/api/settings', { method: 'PATCH', body: JSON.stringify({ retention: { metricDays: 1 } }) });
      expect(short.status).toBe(400);
      expect(short.body.error.message).toContain('retention.metricDays');
      const unknown = await host.json<{ error: { code: string } }>('/api/settings', { method: 'PATCH', body: JSON.stringify({ retention: { forever: true } }) });
      expect(unknown.status).toBe(400);
    });
  });
});
