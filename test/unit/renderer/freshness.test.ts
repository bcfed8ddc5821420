import { describe, expect, it } from 'vitest';
import type { Deployment, RunDetail, Step, StepName } from '../../../shared';
import { isFresherDeployment, isFresherRun } from '../../../renderer/src/project/freshness';

const names: StepName[] = ['detect', 'build', 'setup', 'deploy', 'verify', 'done'];
function run(status: RunDetail['status'], stepStatuses: Step['status'][], id = 'run_1'): RunDetail {
  return {
    id,
    projectId: 'prj_1',
    deploymentId: 'dep_1',
    kind: 'deploy',
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    imageRef: null,
    releaseId: null,
    rollbackOfReleaseId: null,
    failure: null,
    scan: null,
    steps: stepStatuses.map((stepStatus, position) => ({
      runId: id,
      name: names[position]!,
      position,
      status: stepStatus,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      firstLineNo: null,
      lastLineNo: null,
    })),
  };
}

describe('run snapshots racing with events', () => {
  const started = run('started', ['pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
  const building = run('in_progress', ['success', 'running', 'pending', 'pending', 'pending', 'pending']);
  const failed = run('failed', ['failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);

  it('keeps the failed run when the deploy answer ("started") arrives after the final event', () => {
    expect(isFresherRun(failed, started)).toBe(false);
    expect(isFresherRun(started, failed)).toBe(true);
  });

  it('only moves a run forward, but accepts a same-progress change such as pause and resume', () => {
    expect(isFresherRun(building, started)).toBe(false);
    expect(isFresherRun(started, building)).toBe(true);
    expect(isFresherRun(building, { ...building, status: 'paused' })).toBe(true);
  });

  it('always accepts another run, and any run when none is shown', () => {
    expect(isFresherRun(failed, run('started', [], 'run_2'))).toBe(true);
    expect(isFresherRun(null, started)).toBe(true);
  });
});

describe('deployment snapshots', () => {
  const base = { id: 'dep_1', updatedAt: '2026-01-01T00:00:01.000Z' } as Deployment;
  it('keeps the later update', () => {
    expect(isFresherDeployment(base, { ...base, updatedAt: '2026-01-01T00:00:00.500Z' })).toBe(false);
    expect(isFresherDeployment(base, { ...base, updatedAt: '2026-01-01T00:00:02.000Z' })).toBe(true);
    expect(isFresherDeployment(base, { ...base, id: 'dep_2', updatedAt: '2020-01-01T00:00:00.000Z' })).toBe(true);
  });
});
