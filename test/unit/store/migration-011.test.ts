import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { LogLineRepository } from '../../../electron/engine/store/log-lines';
import { MetricRepository } from '../../../electron/engine/store/metrics';
import { applyRetention, DEFAULT_RETENTION } from '../../../electron/engine/store/retention';
import { LogSearch } from '../../../electron/engine/logs/search';
import { LogWriter } from '../../../electron/engine/logs/log-writer';
import { Store } from '../../../electron/engine/store/store';
import type { LogLine } from '../../../shared';
import { levelCountsDrift, serviceLevelCountsDrift } from '../../support/level-counts';

const none = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };
const DAY = 86_400_000;

describe('migration 011 (service-aware logs and metrics)', () => {
  it('migrates a version-10 database: old lines and samples have no service; new ones round-trip on every read path', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 10);
    db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, text, level) VALUES ('d', 1, 0, 0, 1, NULL, 'INFO old line', 2)").run();
    db.prepare("INSERT INTO log_level_counts (deployment_id, source, run_id, level, lines) VALUES ('d', 1, '', 2, 1)").run();
    db.prepare("INSERT INTO metrics (deployment_id, sampled_at, cpu_pct, mem_used_mb, mem_limit_mb) VALUES ('d', 1000, 5, 100, 512)").run();
    migrate(db, MIGRATIONS, 11);
    expect(schemaVersion(db)).toBe(11);
    migrate(db, MIGRATIONS); // the repositories below are today's: they read (and write) the newest schema

    const lines = new LogLineRepository(db);
    expect(lines.since('d', 0, 10)[0]).not.toHaveProperty('service');
    expect(lines.tail('d', 10)[0]).not.toHaveProperty('service');

    lines.insertMany([
      { deploymentId: 'd', lineNo: 2, ts: 1, stream: 'stdout', source: 'runtime', runId: null, step: null, text: 'INFO web up', cut: false, service: 'web' },
      { deploymentId: 'd', lineNo: 3, ts: 2, stream: 'stderr', source: 'runtime', runId: null, step: null, text: 'ERROR worker boom', cut: false, service: 'worker' },
      { deploymentId: 'd', lineNo: 4, ts: 3, stream: 'system', source: 'runtime', runId: null, step: null, text: '[CRASH] exit=1', cut: false, service: null },
    ]);
    const services = (read: readonly LogLine[]): (string | undefined)[] => read.map((line) => line.service);
    expect(services(lines.since('d', 0, 10))).toEqual([undefined, 'web', 'worker', undefined]);
    expect(services(lines.before('d', 5, 10))).toEqual([undefined, 'web', 'worker', undefined]);
    expect(services(lines.tail('d', 10))).toEqual([undefined, 'web', 'worker', undefined]);
    expect(services(lines.range('d', 1, 4))).toEqual([undefined, 'web', 'worker', undefined]);
    expect(lines.since('d', 0, 10)[0]).not.toHaveProperty('service');

    const search = new LogSearch(db);
    expect(search.search('d', { query: 'o', regex: false, caseSensitive: false, limit: 10 }).hits.map((hit) => hit.service)).toEqual([undefined, 'web', 'worker']);
    expect(search.search('d', { query: 'o', regex: false, caseSensitive: false, limit: 10, services: ['worker'] }).hits.map((hit) => hit.lineNo)).toEqual([3]);

    // Level counts per service; the deployment's counts include every line.
    expect(lines.levelCounts('d', 'runtime')).toEqual({ ...none, info: 2, error: 2 });
    expect(lines.levelCounts('d', 'runtime', undefined, ['worker'])).toEqual({ ...none, error: 1 });
    expect(lines.levelCounts('d', 'runtime', undefined, ['web', 'worker'])).toEqual({ ...none, info: 1, error: 1 });
    expect(lines.levelCounts('d', 'runtime', undefined, [])).toEqual(none);
    expect(levelCountsDrift(db)).toEqual([]);
    expect(serviceLevelCountsDrift(db)).toEqual([]);

    const metrics = new MetricRepository(db);
    metrics.insertSamples([
      { deploymentId: 'd', sampledAt: 2000, cpuPct: 30, memUsedMb: 300, memLimitMb: 1024 },
      { deploymentId: 'd', sampledAt: 2000, cpuPct: 10, memUsedMb: 100, memLimitMb: 512, service: 'web' },
      { deploymentId: 'd', sampledAt: 2000, cpuPct: 20, memUsedMb: 200, memLimitMb: 512, service: 'worker' },
    ]);
    const totals = metrics.samples('d', 0, 10_000);
    expect(totals.map((sample) => [sample.cpuPct, sample.service])).toEqual([
      [5, undefined],
      [30, undefined],
    ]);
    expect(totals[0]).not.toHaveProperty('service');
    expect(metrics.serviceSamples('d', 0, 10_000).map((sample) => [sample.service, sample.cpuPct, sample.memUsedMb])).toEqual([
      ['web', 10, 100],
      ['worker', 20, 200],
    ]);
    expect(metrics.serviceSamples('d', 0, 10_000, ['worker']).map((sample) => sample.service)).toEqual(['worker']);
  });

  it('the log writer stores each line with its service (append, sink, system) and publishes it; retention keeps per-service counts and samples in step', () => {
    const store = Store.open(':memory:');
    const writer = new LogWriter(store);
    const published: LogLine[] = [];
    writer.onCommit((_id, lines) => published.push(...lines));
    const now = Date.now();
    writer.append('s', { stream: 'stdout', source: 'runtime', text: 'INFO old', service: 'web', ts: now - 40 * DAY });
    writer.append('s', { stream: 'stdout', source: 'runtime', text: 'INFO web', service: 'web' });
    writer.sink('s', { source: 'runtime', service: 'redis' })([{ stream: 'stdout', text: 'Ready to accept connections', cut: false }]);
    writer.system('s', '[CRASH] exit=137', { service: 'worker' });
    writer.append('s', { stream: 'stdout', source: 'runtime', text: 'stack line' });
    writer.flush();
    expect(published.map((line) => line.service)).toEqual(['web', 'web', 'redis', 'worker', undefined]);
    expect(store.logLines.since('s', 0, 10).map((line) => line.service)).toEqual(['web', 'web', 'redis', 'worker', undefined]);
    expect(store.logLines.levelCounts('s', 'runtime', undefined, ['web'])).toEqual({ ...none, info: 2 });

    store.metrics.insertSamples([{ deploymentId: 's', sampledAt: now - 40 * DAY, cpuPct: 1, memUsedMb: 1, memLimitMb: 1, service: 'web' }]);
    applyRetention(store.db, { ...DEFAULT_RETENTION }, now);
    expect(store.logLines.levelCounts('s', 'runtime', undefined, ['web'])).toEqual({ ...none, info: 1 });
    expect(store.metrics.serviceSamples('s', 0, now)).toEqual([]);
    expect(levelCountsDrift(store.db)).toEqual([]);
    expect(serviceLevelCountsDrift(store.db)).toEqual([]);
    writer.close();
    store.close();
  });
});
