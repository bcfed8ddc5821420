// ECS settings: keys are refused with a message saying what to set; defaults derive from the slug;
// the CloudWatch follower backs off while throttled and never calls more than once a second.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { projectCreateSchema, projectSettingsSchema } from '../../../shared';
import { CloudWatchLogFollower } from '../../../electron/engine/monitor/ecs/cloudwatch-log-follower';
import { headlessVault, refusedSecretMessage } from '../../../electron/engine/secrets/secret-vault';
import { probeUrl, resolveEcsSettings } from '../../../electron/engine/aws/ecs-settings';
import type { ProjectRecord } from '../../../electron/engine/store/projects';

const project = (ecs: Record<string, unknown>): ProjectRecord => ({
  id: 'prj_1',
  name: 'Shop API',
  slug: 'shop-api',
  sourceDir: '/src/shop',
  target: 'ecs',
  settings: projectSettingsSchema.parse({ port: 3000, healthPath: '/healthz', ecs }),
  createdAt: 0,
  updatedAt: 0,
});

describe('ECS settings', () => {
  it('refuses AWS keys in project settings and says to use a profile', () => {
    for (const key of ['accessKeyId', 'secretAccessKey', 'sessionToken']) {
      const parsed = projectCreateSchema.safeParse({ name: 'x', sourceDir: '/tmp', target: 'ecs', settings: { ecs: { [key]: 'AKIA-or-secret' } } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['settings', 'ecs', key]);
      expect(parsed.error?.issues[0]?.message).toContain('settings.ecs.profile');
    }
    expect(projectCreateSchema.safeParse({ name: 'x', sourceDir: '/tmp', target: 'ecs', settings: { ecs: { profile: 'prod' } } }).success).toBe(true);
  });

  it('headless Berth has no secret vault and refuses with a message saying what to set', () => {
    expect(headlessVault.available).toBe(false);
    expect(() => headlessVault.encrypt('secret')).toThrow(refusedSecretMessage());
    expect(refusedSecretMessage()).toContain('profile');
  });

  it('derives names from the slug and joins the health path onto the public URL', () => {
    const resolved = resolveEcsSettings(project({ cluster: 'prod', publicUrl: 'https://shop.example.com/' }));
    expect(resolved).toMatchObject({
      cluster: 'prod',
      service: 'berth-shop-api',
      family: 'berth-shop-api',
      containerName: 'shop-api',
      repository: 'berth-shop-api',
      logGroup: '/berth/shop-api',
      port: 3000,
      cpu: 256,
      memoryMb: 512,
      createService: false,
    });
    expect(resolved.healthCheck).toEqual({ path: '/healthz', rule: 'status_2xx_3xx' });
    expect(probeUrl(resolved, '/healthz')).toBe('https://shop.example.com/healthz');
    expect(probeUrl(resolveEcsSettings(project({ publicUrl: 'https://lb.example.com/shop/' })), '/healthz')).toBe('https://lb.example.com/shop/healthz');
    expect(probeUrl(resolveEcsSettings(project({ publicUrl: 'http://127.0.0.1:8080' })), '/')).toBe('http://127.0.0.1:8080/');
    expect(() => probeUrl(resolveEcsSettings(project({})), '/healthz')).toThrow(/settings\.ecs\.publicUrl/);
  });
});

describe('CloudWatch follower pacing', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const throttled = (): Error => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

  async function callsIn(windowMs: number, failFirst: number): Promise<{ calls: number; throttled: number; delivered: number; gaps: number[] }> {
    vi.useFakeTimers({ now: 1_000_000 });
    const callTimes: number[] = [];
    let delivered = 0;
    const follower = new CloudWatchLogFollower({
      logs: {
        send: (async () => {
          callTimes.push(Date.now());
          if (callTimes.length <= failFirst) throw throttled();
          return { events: [{ logStreamName: 's', eventId: String(callTimes.length), timestamp: Date.now() - 10, message: `line ${callTimes.length}` }] };
        }) as never,
      },
      logGroupName: 'g',
      cursor: { timestamp: 0, keys: [] },
      pollIntervalMs: 1000,
      minCallIntervalMs: 1000,
      deliver: (events) => void (delivered += events.length),
    });
    follower.start();
    await vi.advanceTimersByTimeAsync(windowMs);
    await follower.stop();
    const gaps = callTimes.slice(1).map((at, index) => at - callTimes[index]!);
    return { calls: callTimes.length, throttled: follower.throttled, delivered, gaps };
  }

  it('never calls more than once a second, and backs off while throttled', async () => {
    const steady = await callsIn(60_000, 0);
    expect(Math.min(...steady.gaps)).toBeGreaterThanOrEqual(1000);
    expect(steady.calls).toBeGreaterThanOrEqual(50);

    const throttledRun = await callsIn(60_000, 4);
    expect(throttledRun.throttled).toBe(4);
    // Each throttled answer at least doubles the wait before the next call.
    expect(throttledRun.gaps.slice(0, 4)).toEqual([...throttledRun.gaps.slice(0, 4)].sort((a, b) => a - b));
    expect(throttledRun.gaps[3]!).toBeGreaterThanOrEqual(4 * throttledRun.gaps[0]!);
    expect(throttledRun.calls).toBeLessThan(steady.calls - 20);
    // Once CloudWatch answers again, following resumes.
    expect(throttledRun.delivered).toBeGreaterThan(0);
  });
});
