// Berth's own log file: every engine log line (redacted) lands in <dataDir>/logs/berth.log, which is
// rotated at its size cap, keeping a fixed number of older files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/engine/host/engine';
import { RotatingLogFile } from '../../../electron/engine/log-file';
import { addLogSink, createLogger, redact } from '../../../electron/engine/logger';
import { makeTempDir } from '../../support/temp-dir';

describe("Berth's log file", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('rotates at its size cap and keeps `keep` older files, each within the cap', async () => {
    const temp = makeTempDir('log-file-');
    cleanups.push(temp.cleanup);
    const file = new RotatingLogFile(temp.dir, { maxBytes: 1000, keep: 2 });
    for (let n = 0; n < 100; n++) file.write(`${String(n).padStart(3, '0')} ${'x'.repeat(95)}\n`);
    await file.close();
    expect(readdirSync(temp.dir).sort()).toEqual(['berth.log', 'berth.log.1', 'berth.log.2']);
    for (const name of readdirSync(temp.dir)) expect(statSync(join(temp.dir, name)).size).toBeLessThanOrEqual(1000);
    // The newest lines are in berth.log, the ones before them in .1 and .2; the oldest are gone.
    expect(readFileSync(join(temp.dir, 'berth.log'), 'utf8').trimEnd().split('\n').at(-1)).toMatch(/^099 /);
    expect(readFileSync(join(temp.dir, 'berth.log.2'), 'utf8')).not.toContain('000 ');
  });

  it("gets the engine's log lines, secrets redacted, info and up even when stderr shows only warnings", async () => {
    const temp = makeTempDir('log-file-engine-');
    cleanups.push(temp.cleanup);
    const level = process.env['BERTH_LOG_LEVEL'];
    process.env['BERTH_LOG_LEVEL'] = 'warn';
    cleanups.push(() => (level === undefined ? delete process.env['BERTH_LOG_LEVEL'] : (process.env['BERTH_LOG_LEVEL'] = level)));
    const engine = await Engine.start({
      docker: new Dockerode({ socketPath: join(temp.dir, 'no-docker.sock') }),
      config: { dataDir: temp.dir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0 },
    });
    redact('hunter2-secret-value');
    const log = createLogger('test/log-file');
    log.info('an info line with hunter2-secret-value inside');
    await engine.close();
    const path = join(temp.dir, 'logs', 'berth.log');
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/ info {2}\[test\/log-file\] an info line with •+ inside/);
    expect(text).not.toContain('hunter2-secret-value');
  });

  it('a sink that was removed hears nothing more', () => {
    const heard: string[] = [];
    const remove = addLogSink((line) => heard.push(line));
    createLogger('test/sink').info('first');
    remove();
    createLogger('test/sink').info('second');
    expect(heard).toHaveLength(1);
  });
});
