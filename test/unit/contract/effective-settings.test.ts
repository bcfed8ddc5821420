// Which port and health check a release runs with: the settings win, then the scan, then the shape's default.
import { describe, expect, it } from 'vitest';
import { describeHealthCheck, effectiveHealthCheck, effectivePort, projectSettingsSchema, type DeployShape } from '../../../shared';

const scanOf = (shape: DeployShape | null, healthPath: string | null = null, port = 8080) => ({ shape, healthPath, port });

describe('effectivePort', () => {
  it('is the setting, else the scan’s, else 8080', () => {
    expect(effectivePort({ port: 3000 }, scanOf('server', null, 5000))).toEqual({ value: 3000, source: 'settings' });
    expect(effectivePort({}, scanOf('server', null, 5000))).toEqual({ value: 5000, source: 'scan' });
    expect(effectivePort({}, null)).toEqual({ value: 8080, source: 'default' });
  });

  it('is not stored as a default any more: a project made without one leaves it to the scan', () => {
    expect(projectSettingsSchema.parse({})).not.toHaveProperty('port');
    expect(projectSettingsSchema.parse({})).not.toHaveProperty('healthPath');
  });
});

describe('effectiveHealthCheck', () => {
  it('takes the settings’ path first, counted 2xx–3xx, whatever the scan found', () => {
    expect(effectiveHealthCheck({ healthPath: '/status' }, scanOf('server', '/healthz'))).toEqual({ value: { path: '/status', rule: 'status_2xx_3xx' }, source: 'settings' });
    expect(effectiveHealthCheck({ healthPath: '/status' }, scanOf('static'))).toEqual({ value: { path: '/status', rule: 'status_2xx_3xx' }, source: 'settings' });
  });

  it('then a route the scan found in the source, counted 2xx–3xx', () => {
    for (const shape of ['server', 'existing_docker'] as const) {
      expect(effectiveHealthCheck({}, scanOf(shape, '/healthz'))).toEqual({ value: { path: '/healthz', rule: 'status_2xx_3xx' }, source: 'scan' });
    }
  });

  it('for a zero-config shape or a Compose stack without a known route, checks that the app answers HTTP on / (anything below 500)', () => {
    for (const shape of ['server', 'static', 'static_build', 'multi'] as const) {
      expect(effectiveHealthCheck({}, scanOf(shape))).toEqual({ value: { path: '/', rule: 'any_below_500' }, source: 'default' });
    }
  });

  it('for a Dockerfile, an image, a refused scan or none at all, keeps /health counted 2xx–3xx, as before scans', () => {
    for (const scan of [scanOf('existing_docker'), scanOf('prebuilt_image'), scanOf(null), null]) {
      expect(effectiveHealthCheck({}, scan)).toEqual({ value: { path: '/health', rule: 'status_2xx_3xx' }, source: 'default' });
    }
  });

  it('says for people what is checked', () => {
    expect(describeHealthCheck({ path: '/healthz', rule: 'status_2xx_3xx' })).toBe('GET /healthz answers 2xx or 3xx');
    expect(describeHealthCheck({ path: '/', rule: 'any_below_500' })).toBe('GET / answers below 500 (the app answers HTTP)');
  });
});
