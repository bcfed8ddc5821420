import { describe, expect, it } from 'vitest';
import type { HealthProbe, Run, SearchHit } from '../../../shared';
import { bucketProbes, markersFrom, pointsForWidth, unhealthySpells } from '../../../renderer/src/metrics/chart-data';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const MINUTE = 60_000;

function probe(minute: number, ok: boolean, latencyMs: number | null = ok ? 10 : null): HealthProbe {
  return { deploymentId: 'dep', probedAt: new Date(T0 + minute * MINUTE).toISOString(), ok, statusCode: ok ? 200 : 503, latencyMs, error: ok ? null : 'HTTP 503' };
}

describe('pointsForWidth', () => {
  it('asks for about one point per two pixels', () => {
    expect(pointsForWidth(1232)).toBe(616);
    expect(pointsForWidth(801)).toBe(401);
  });

  it('keeps at least 100 points on a narrow chart and at most 2,000 on a very wide one', () => {
    expect(pointsForWidth(320)).toBe(160);
    expect(pointsForWidth(100)).toBe(100);
    expect(pointsForWidth(10_000)).toBe(2000);
  });
});

describe('bucketProbes', () => {
  it('averages the latency of the successful probes and counts the failures per bucket', () => {
    const probes = [probe(0, true, 10), probe(1, true, 20), probe(2, false), probe(10, true, 5)];
    // 20 minutes in 2 buckets of 10.
    expect(bucketProbes(probes, T0, T0 + 20 * MINUTE, 2)).toEqual([
      { t: T0, latencyMs: 15, failures: 1, probes: 3 },
      { t: T0 + 10 * MINUTE, latencyMs: 5, failures: 0, probes: 1 },
    ]);
  });

  it('gives a bucket of failures only no latency, so the line shows a gap, not a drop to 0', () => {
    const probes = [probe(0, true), probe(10, false), probe(11, false), probe(20, true)];
    const buckets = bucketProbes(probes, T0, T0 + 30 * MINUTE, 3);
    expect(buckets.map((bucket) => bucket.latencyMs)).toEqual([10, null, 10]);
    expect(buckets[1]!.failures).toBe(2);
  });

  it('leaves out empty buckets and draws nothing without probes or range', () => {
    expect(bucketProbes([probe(0, true), probe(25, true)], T0, T0 + 30 * MINUTE, 3).map((bucket) => bucket.t)).toEqual([T0, T0 + 20 * MINUTE]);
    expect(bucketProbes([], T0, T0 + MINUTE, 10)).toEqual([]);
    expect(bucketProbes([probe(0, true)], T0, T0, 10)).toEqual([]);
  });
});

describe('unhealthySpells', () => {
  it('starts a spell at the third failure in a row and ends it at the next success', () => {
    const probes = [probe(0, true), probe(1, false), probe(2, false), probe(3, false), probe(4, false), probe(5, true)];
    expect(unhealthySpells(probes, T0 + 60 * MINUTE)).toEqual([{ from: T0 + 3 * MINUTE, to: T0 + 5 * MINUTE }]);
  });

  it('ignores two failures in a row, and keeps a spell still open until the end of the range', () => {
    const probes = [probe(0, false), probe(1, false), probe(2, true), probe(3, false), probe(4, false), probe(5, false)];
    expect(unhealthySpells(probes, T0 + 60 * MINUTE)).toEqual([{ from: T0 + 5 * MINUTE, to: T0 + 60 * MINUTE }]);
  });
});

describe('markersFrom', () => {
  const run = (minute: number, kind: Run['kind']): Run => ({
    id: `run_${minute}`,
    projectId: 'prj',
    deploymentId: 'dep',
    kind,
    status: 'completed',
    createdAt: new Date(T0 + minute * MINUTE).toISOString(),
    startedAt: new Date(T0 + minute * MINUTE + 1000).toISOString(),
    finishedAt: null,
    durationMs: null,
    imageRef: null,
    releaseId: null,
    rollbackOfReleaseId: null,
    failure: null,
    scan: null,
  });
  const crash = (minute: number): SearchHit => ({ lineNo: minute, ts: new Date(T0 + minute * MINUTE).toISOString(), stream: 'system', step: null, runId: null, text: '[CRASH] exit=137 oom=true', level: 'error', event: null });

  it('marks deploys at their start and crashes at their line, in time order, within the range', () => {
    const markers = markersFrom([run(30, 'deploy'), run(5, 'rollback'), run(500, 'deploy')], [crash(10)], T0, T0 + 60 * MINUTE);
    expect(markers).toEqual([
      { t: T0 + 5 * MINUTE + 1000, kind: 'deploy', label: 'rollback' },
      { t: T0 + 10 * MINUTE, kind: 'crash', label: 'crash exit=137 oom=true' },
      { t: T0 + 30 * MINUTE + 1000, kind: 'deploy', label: 'deploy' },
    ]);
  });
});
