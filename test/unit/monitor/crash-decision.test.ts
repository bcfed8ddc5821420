// The crash watcher's decisions, case by case, from facts alone (no Docker): what a reconcile does with
// a container, what a death reports, and what happens to the dead container afterwards.
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../../shared';
import { afterDeath, deathReport, reconcileAction, type ObservedContainer, type ReconcileAction } from '../../../electron/engine/monitor/crash-decision';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const up: ObservedContainer = { running: true, restarting: false, startedAtMs: T0 + 1_000, finishedAtMs: 0 };
const down: ObservedContainer = { running: false, restarting: false, startedAtMs: T0 + 1_000, finishedAtMs: T0 + 5_000 };
const restarting: ObservedContainer = { running: true, restarting: true, startedAtMs: T0 + 1_000, finishedAtMs: T0 + 5_000 };
/** Died at T0+5s and was started again at T0+6s by its restart policy. */
const restartedSince: ObservedContainer = { running: true, restarting: false, startedAtMs: T0 + 6_000, finishedAtMs: T0 + 5_000 };

describe('reconcileAction', () => {
  const cases: [string, DeploymentStatus, ObservedContainer | null, boolean, ReconcileAction][] = [
    ['a live deployment whose container vanished', 'running', null, false, 'report-gone'],
    ['an unreachable one whose container vanished', 'unreachable', null, false, 'report-gone'],
    ['a crashed one whose container vanished (already reported)', 'crashed', null, true, 'forget'],
    ['a stopped one whose container vanished', 'stopped', null, false, 'forget'],
    ['a live deployment whose container is down', 'running', down, false, 'report-death'],
    ['a degraded one whose container is down', 'degraded', down, false, 'report-death'],
    ['a crashed one running again', 'crashed', up, false, 'restarted'],
    ['a crashed one whose container Docker is restarting', 'crashed', restarting, false, 'none'],
    ['a crashed one still down, never reported (marked by the pipeline)', 'crashed', down, false, 'report-death'],
    ['a crashed one still down, reported already', 'crashed', down, true, 'dispose'],
    ['a live one that died and was restarted while nobody watched', 'running', restartedSince, false, 'report-death-while-away'],
    ['the same, once that death was reported', 'running', restartedSince, true, 'none'],
    ['a live one that is simply up', 'running', up, false, 'none'],
    ['a live one whose policy is restarting it right now', 'running', restarting, false, 'none'],
    ['a stopped one whose container is down', 'stopped', down, false, 'none'],
    ['a deploying one whose container is down (the pipeline owns it)', 'deploying', down, false, 'none'],
  ];
  it.each(cases)('%s', (_name, status, container, deathClaimed, expected) => {
    expect(reconcileAction({ status, container, deathClaimed, knownStartMs: T0 })).toBe(expected);
  });

  it('a restart before the deployment last went live is not a death while away', () => {
    expect(reconcileAction({ status: 'running', container: restartedSince, deathClaimed: false, knownStartMs: T0 + 10_000 })).toBe('none');
  });
});

describe('deathReport', () => {
  it("takes the die event's exit code first", () => {
    expect(deathReport(137, { exitCode: 0, oomKilled: false, running: true, restarting: false }, false)).toEqual({ exitCode: 137, oom: false });
  });
  it('reads the exit code from a container that is down or restarting', () => {
    expect(deathReport(null, { exitCode: 3, oomKilled: false, running: false, restarting: false }, false)).toEqual({ exitCode: 3, oom: false });
    expect(deathReport(null, { exitCode: 3, oomKilled: false, running: true, restarting: true }, false)).toEqual({ exitCode: 3, oom: false });
  });
  it('says unknown for a container that runs again (Docker reset its exit code) or is gone', () => {
    expect(deathReport(null, { exitCode: 0, oomKilled: false, running: true, restarting: false }, false)).toEqual({ exitCode: null, oom: false });
    expect(deathReport(null, null, false)).toEqual({ exitCode: null, oom: false });
  });
  it('reports an OOM kill from inspect or from a recent oom event', () => {
    expect(deathReport(137, { exitCode: 137, oomKilled: true, running: false, restarting: false }, false).oom).toBe(true);
    expect(deathReport(137, { exitCode: 0, oomKilled: false, running: true, restarting: false }, true).oom).toBe(true);
  });
});

describe('afterDeath', () => {
  const dead = { exitCode: 1, oomKilled: false, running: false, restarting: false };
  it('waits while Docker restarts it, or when it is gone already', () => {
    expect(afterDeath({ ...dead, restarting: true }, 'always')).toBe('wait');
    expect(afterDeath({ ...dead, running: true }, 'on-failure')).toBe('wait');
    expect(afterDeath(null, 'no')).toBe('wait');
  });
  it('disposes of a container no policy will restart', () => {
    expect(afterDeath(dead, 'no')).toBe('dispose');
    expect(afterDeath(dead, 'on-failure')).toBe('dispose');
  });
  it('checks that the engine is not shutting down before disposing of an always/unless-stopped one', () => {
    expect(afterDeath(dead, 'always')).toBe('dispose-unless-engine-stopping');
    expect(afterDeath(dead, 'unless-stopped')).toBe('dispose-unless-engine-stopping');
  });
});
