import { describe, expect, it } from 'vitest';
import type { Failure, Run, RunDetail, Step, StepName } from '../../../shared';
import { averageDurationMs, compareRuns, filterRuns, newestFirst, runsPerDay } from '../../../renderer/src/history/run-history';
import { formatDuration } from '../../../renderer/src/common/format';
import { parseRoute, routeHref } from '../../../renderer/src/routing/route';

function run(id: string, createdAt: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    projectId: 'prj_1',
    deploymentId: 'dep_1',
    kind: 'deploy',
    status: 'completed',
    createdAt,
    startedAt: createdAt,
    finishedAt: null,
    durationMs: null,
    imageRef: null,
    releaseId: null,
    rollbackOfReleaseId: null,
    failure: null,
    scan: null,
    ...overrides,
  };
}

function step(runId: string, name: StepName, position: number, status: Step['status'], durationMs: number | null): Step {
  return { runId, name, position, status, startedAt: null, finishedAt: null, durationMs, firstLineNo: null, lastLineNo: null };
}

describe('run history', () => {
  const runs = [
    run('a', '2026-01-01T00:00:00.000Z', { durationMs: 4000 }),
    run('c', '2026-01-03T00:00:00.000Z', { kind: 'redeploy', status: 'failed', durationMs: 2000 }),
    run('b', '2026-01-02T00:00:00.000Z', { kind: 'rollback', durationMs: null, status: 'in_progress' }),
  ];

  it('lists newest first', () => {
    expect(newestFirst(runs).map((candidate) => candidate.id)).toEqual(['c', 'b', 'a']);
  });

  it('filters by status and kind', () => {
    expect(filterRuns(runs, { status: 'completed', kind: 'all' }).map((candidate) => candidate.id)).toEqual(['a']);
    expect(filterRuns(runs, { status: 'all', kind: 'redeploy' }).map((candidate) => candidate.id)).toEqual(['c']);
    expect(filterRuns(runs, { status: 'failed', kind: 'deploy' })).toEqual([]);
  });

  it('reports runs per day over the span up to now, counting at least one day', () => {
    expect(runsPerDay(runs, Date.parse('2026-01-04T00:00:00.000Z'))).toBeCloseTo(1);
    expect(runsPerDay(runs.slice(0, 1), Date.parse('2026-01-01T01:00:00.000Z'))).toBe(1);
    expect(runsPerDay([], Date.now())).toBe(0);
  });

  it('averages the durations of finished runs only', () => {
    expect(averageDurationMs(runs)).toBe(3000);
    expect(averageDurationMs([runs[2]!])).toBeNull();
  });

  it('compares two runs row by row: status, per-step durations, image, failure and first error', () => {
    const failure: Failure = {
      stage: 'build',
      category: 'build_failure',
      code: 'DOCKER_IMAGE_BUILD_FAILED',
      retryable: false,
      summary: 'Docker image build failed',
      likelyCause: 'A RUN command exited non-zero.',
      evidence: { lineNo: 12, line: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", context: [] },
    };
    const left: RunDetail = {
      ...run('l', '2026-01-01T00:00:00.000Z', { durationMs: 9000, imageRef: 'berth/demo:1' }),
      steps: [step('l', 'detect', 0, 'success', 5), step('l', 'build', 1, 'success', 8000), step('l', 'verify', 4, 'success', 900)],
    };
    const right: RunDetail = {
      ...run('r', '2026-01-02T00:00:00.000Z', { status: 'failed', durationMs: 3000, failure }),
      steps: [step('r', 'detect', 0, 'success', 5), step('r', 'build', 1, 'failed', 2900), step('r', 'verify', 4, 'skipped', null)],
    };
    const rows = compareRuns(left, right);
    const byLabel = Object.fromEntries(rows.map((row) => [row.label, row]));
    expect(byLabel['Status']).toEqual({ label: 'Status', left: 'Completed', right: 'Failed', differs: true });
    expect(byLabel['Step: detect']).toMatchObject({ left: 'Success · 5 ms', right: 'Success · 5 ms', differs: false });
    const slower = compareRuns(left, { ...left, steps: left.steps.map((item) => ({ ...item, durationMs: (item.durationMs ?? 0) + 1000 })) });
    expect(slower.filter((item) => item.differs)).toEqual([]);
    expect(byLabel['Step: build']).toMatchObject({ left: 'Success · 8.0 s', right: 'Failed · 2.9 s', differs: true });
    expect(byLabel['Step: verify']).toMatchObject({ left: 'Success · 900 ms', right: 'Skipped', differs: true });
    // Timing alone is not marked as a difference.
    expect(byLabel['Duration']).toMatchObject({ left: '9.0 s', right: '3.0 s', differs: false });
    expect(byLabel['Image']).toMatchObject({ left: 'berth/demo:1', right: '—' });
    expect(byLabel['Failure']).toMatchObject({ left: '—', right: 'DOCKER_IMAGE_BUILD_FAILED (build)' });
    expect(byLabel['First error']?.right).toBe("The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    // Steps appear in pipeline order, and only steps either run has.
    expect(rows.filter((row) => row.label.startsWith('Step: ')).map((row) => row.label)).toEqual(['Step: detect', 'Step: build', 'Step: verify']);
  });
});

describe('display helpers and routes', () => {
  it('formats durations the way people read them', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 m 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 m');
  });

  it('parses and builds the hash routes, including the one a project window opens', () => {
    expect(parseRoute('')).toEqual({ name: 'projects' });
    expect(parseRoute('#/')).toEqual({ name: 'projects' });
    expect(parseRoute('#/projects/prj_abc')).toEqual({ name: 'project', projectId: 'prj_abc' });
    expect(parseRoute('#/projects/prj_abc/settings')).toEqual({ name: 'edit-project', projectId: 'prj_abc' });
    expect(parseRoute('#/new-project')).toEqual({ name: 'new-project' });
    expect(parseRoute('#/projects/../etc')).toEqual({ name: 'not-found', hash: '#/projects/../etc' });
    expect(parseRoute(routeHref({ name: 'project', projectId: 'prj_x' }))).toEqual({ name: 'project', projectId: 'prj_x' });
  });
});

describe('log text outside the terminal', () => {
  it('drops colour and OSC escapes from evidence lines', async () => {
    const { stripAnsi } = await import('../../../renderer/src/common/format');
    expect(stripAnsi('\u001b[91merror: missing dependency\u001b[0m')).toBe('error: missing dependency');
    expect(stripAnsi('\u001b]0;title\u0007plain \u001b]52;c;AAAA\u001b\\text')).toBe('plain text');
  });
});
