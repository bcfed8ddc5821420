import { describe, expect, it } from 'vitest';
import type { Deployment, MetricSample, Notification } from '../../../shared';
import { statusTone, worstStatus } from '../../../shared/deployment-status';
import { cpuPercent, cpuReading, memoryMb } from '../../../electron/engine/monitor/cpu';
import { downsampleMetrics } from '../../../electron/engine/monitor/downsample';
import { HealthRule } from '../../../electron/engine/health/health-rule';
import { Notifier } from '../../../electron/engine/monitor/notifier';
import { nextFollowWait } from '../../../electron/engine/monitor/runtime-log-follower';
import { EventBus } from '../../../electron/engine/event-bus';
import { Store } from '../../../electron/engine/store/store';
import { createTestAlerting } from '../../support/alerting';

describe('cpuPercent', () => {
  it('is % of one core from the sampler’s own deltas (one-shot stats have no precpu)', () => {
    const first = cpuReading({ cpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000, online_cpus: 2 } }, 0)!;
    // 1.5 s of container CPU in 2 s of wall time (the host counted 2 s × 2 cores): three quarters of one core.
    const next = cpuReading({ cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 }, system_cpu_usage: 14_000_000_000, online_cpus: 2 } }, 2000)!;
    expect(cpuPercent(first, next)).toBe(75);
  });

  it('falls back to wall time when Docker reports no host CPU time', () => {
    const first = cpuReading({ cpu_stats: { cpu_usage: { total_usage: 0 } } }, 1000)!;
    const next = cpuReading({ cpu_stats: { cpu_usage: { total_usage: 500_000_000 } } }, 2000)!;
    expect(cpuPercent(first, next)).toBe(50);
    expect(cpuPercent(next, first)).toBe(0);
  });

  it('memory leaves out reclaimable page cache, like docker stats', () => {
    expect(memoryMb({ memory_stats: { usage: 30 * 1048576, limit: 64 * 1048576, stats: { inactive_file: 10 * 1048576 } } })).toEqual({ usedMb: 20, limitMb: 64 });
    expect(memoryMb({})).toBeNull();
  });
});

describe('HealthRule', () => {
  it('goes unhealthy on exactly the third consecutive failure, once, and recovers on any success', () => {
    const rule = new HealthRule();
    expect(rule.record(true)).toBe('healthy');
    expect([rule.record(false), rule.record(false)]).toEqual(['none', 'none']);
    expect(rule.record(true)).toBe('none');
    expect([rule.record(false), rule.record(false), rule.record(false), rule.record(false)]).toEqual(['none', 'none', 'unhealthy', 'none']);
    expect(rule.record(true)).toBe('recovered');
    expect(rule.record(true)).toBe('none');
  });
});

describe('downsampleMetrics', () => {
  const start = Date.UTC(2026, 0, 1);
  const samples: MetricSample[] = Array.from({ length: 8640 }, (_, index) => ({
    deploymentId: 'd',
    sampledAt: new Date(start + index * 30_000).toISOString(),
    cpuPct: index === 4321 ? 400 : 5 + (index % 7),
    memUsedMb: index === 7000 ? 900 : 100 + index / 100,
    memLimitMb: 1536,
  }));

  it('returns about `points` samples, keeps the ends and spikes in either series', () => {
    const out = downsampleMetrics(samples, 800);
    expect(out).toHaveLength(800);
    expect(out[0]).toBe(samples[0]);
    expect(out.at(-1)).toBe(samples.at(-1));
    expect(out.some((sample) => sample.cpuPct === 400)).toBe(true);
    expect(out.some((sample) => sample.memUsedMb === 900)).toBe(true);
    const times = out.map((sample) => Date.parse(sample.sampledAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('leaves short series alone', () => {
    expect(downsampleMetrics(samples.slice(0, 10), 800)).toEqual(samples.slice(0, 10));
  });
});

describe('worstStatus', () => {
  it('ranks crashed over failed over unreachable over running over stopped', () => {
    expect(worstStatus(['running', 'stopped', 'unreachable'])).toBe('unreachable');
    expect(worstStatus(['running', 'crashed', 'failed'])).toBe('crashed');
    expect(worstStatus([])).toBeNull();
    expect(statusTone(worstStatus(['running', 'stopped']))).toBe('ok');
    expect(statusTone('unreachable')).toBe('warning');
    expect(statusTone('crashed')).toBe('error');
  });
});

describe('Notifier → the built-in desktop rule', () => {
  function setup(muted = false) {
    const store = Store.open(':memory:');
    const project = store.projects.create({
      name: 'Shop',
      sourceDir: '/tmp',
      target: 'docker',
      settings: { port: 1, healthPath: '/h', env: [], memoryLimitMb: 6, restartPolicy: 'no', keepCrashedContainers: false, verifyTimeoutMs: 1000, muteNotifications: muted },
    });
    const deployment = store.deployments.create(project.id, 'docker') as Deployment;
    const events = new EventBus();
    const sent: Notification[] = [];
    events.on('notification', (notification) => sent.push(notification));
    let now = 1_000_000;
    // The migration's desktop rule, with a one-minute crash-loop window and cooldown.
    const rule = store.alertRules.get('rul_desktop')!;
    store.alertRules.update(rule.id, { trigger: { ...rule.trigger, crashLoop: { crashes: 2, windowMs: 60_000 } } as typeof rule.trigger, cooldownMs: 60_000 });
    const { alerts } = createTestAlerting(store, events, { now: () => now });
    const notifier = new Notifier(alerts);
    return { deployment, sent, notifier, advance: (ms: number) => (now += ms), store };
  }

  it('folds repeated crashes in the window into one crash-loop notification, at once (no network in the way)', () => {
    const { deployment, sent, notifier, advance } = setup();
    notifier.crashed(deployment, 1, false);
    advance(10_000);
    notifier.crashed(deployment, 1, false);
    advance(10_000);
    notifier.crashed(deployment, 1, false);
    notifier.crashed(deployment, 1, false);
    expect(sent.map((n) => n.kind)).toEqual(['crash', 'crash_loop']);
    advance(61_000);
    notifier.crashed(deployment, 137, true);
    expect(sent.map((n) => n.kind)).toEqual(['crash', 'crash_loop', 'oom']);
    expect(sent[0]).toMatchObject({ projectId: deployment.projectId, deploymentId: deployment.id, title: 'Shop crashed', body: 'The container exited with 1.' });
    expect(sent[1]).toMatchObject({ title: 'Shop is crash-looping' });
  });

  it('sends nothing for a muted project', () => {
    const { deployment, sent, notifier } = setup(true);
    notifier.crashed(deployment, 1, false);
    notifier.unhealthy(deployment, 3);
    notifier.recovered(deployment);
    expect(sent).toEqual([]);
  });
});

describe('nextFollowWait (the runtime log follower between passes)', () => {
  it('re-attaches at once after a pass that stored lines, promptly to a running container, and backs off otherwise', () => {
    expect(nextFollowWait(4000, 'stored', 250, 5000)).toBe(0);
    expect(nextFollowWait(4000, 'running', 250, 5000)).toBe(250);
    expect(nextFollowWait(250, 'idle', 250, 5000)).toBe(500);
    expect(nextFollowWait(4000, 'idle', 250, 5000)).toBe(5000);
  });

  it('never retries a failure at once, even right after a pass that stored lines (wait 0)', () => {
    // Docker going away just after a busy pass must not turn into a loop that hammers the socket.
    const waits: number[] = [];
    let wait = nextFollowWait(250, 'stored', 250, 5000);
    for (let attempt = 0; attempt < 6; attempt += 1) waits.push((wait = nextFollowWait(wait, 'failed', 250, 5000)));
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000]);
  });
});
