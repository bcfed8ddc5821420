import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readApiFile, writeApiFile } from '../../../electron/common/api-file';
import { defaultDataDir } from '../../../electron/common/data-dir';
import { configFromEnv } from '../../../electron/engine/config';
import { makeTempDir } from '../../support/temp-dir';

describe('engine configuration', () => {
  it('uses BERTH_DATA_DIR, else the XDG config dir', () => {
    expect(defaultDataDir({ BERTH_DATA_DIR: '/data/berth' })).toBe('/data/berth');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/berth');
  });

  it('reads every interval from the environment, with the documented defaults', () => {
    expect(configFromEnv({}, '/d')).toMatchObject({ healthIntervalMs: 60_000, healthTimeoutMs: 2_000, metricsIntervalMs: 30_000, retentionIntervalMs: 3_600_000, stopGraceMs: 10_000, awsEndpoint: null });
    expect(configFromEnv({ BERTH_HEALTH_INTERVAL_MS: '250', BERTH_STOP_GRACE_MS: '0', BERTH_AWS_ENDPOINT: 'http://127.0.0.1:5000' }, '/d')).toMatchObject({
      healthIntervalMs: 250,
      stopGraceMs: 0,
      awsEndpoint: 'http://127.0.0.1:5000',
    });
  });

  it('rejects a malformed interval with a message that names the variable and the way out', () => {
    expect(() => configFromEnv({ BERTH_METRICS_INTERVAL_MS: 'soon' }, '/d')).toThrow(/BERTH_METRICS_INTERVAL_MS must be a number of milliseconds \(got "soon"\)\. Unset it/);
    expect(() => configFromEnv({ BERTH_HEALTH_INTERVAL_MS: '-5' }, '/d')).toThrow(/BERTH_HEALTH_INTERVAL_MS/);
  });
});

describe('api.json', () => {
  it('round-trips and explains a missing or corrupt file', () => {
    const temp = makeTempDir();
    expect(() => readApiFile(temp.dir)).toThrow(/No running Berth engine found/);
    writeApiFile(temp.dir, { url: 'http://127.0.0.1:1234', token: 'x'.repeat(32) });
    expect(readApiFile(temp.dir)).toEqual({ url: 'http://127.0.0.1:1234', token: 'x'.repeat(32) });
    writeFileSync(join(temp.dir, 'api.json'), '{"url": 5}');
    expect(() => readApiFile(temp.dir)).toThrow(/not a valid Berth API file/);
    writeFileSync(join(temp.dir, 'api.json'), 'garbage{');
    expect(() => readApiFile(temp.dir)).toThrow(/not a valid Berth API file/);
    temp.cleanup();
  });
});
