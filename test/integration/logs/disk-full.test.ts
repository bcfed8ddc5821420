// A fault test on a small tmpfs data dir: a log flood fills the disk. The engine stays up and says "disk
// full", the database stays intact, every line a subscriber received is stored, and once space is freed
// the held lines are committed and ingest goes on by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLine } from '../../../shared';
import { Engine } from '../../../electron/engine/host/engine';

const TMPFS_BYTES = 32 * 1024 * 1024;
/** What the ballast file leaves free: the database, its WAL and a few thousand lines. */
const LEFT_FREE_BYTES = 3 * 1024 * 1024;
const LINE = 'x'.repeat(180);

function mountTmpfs(dir: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`This fault test mounts a ${TMPFS_BYTES >> 20} MB tmpfs as the data dir and needs root (mount -t tmpfs): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}`);
  }
}

describe('a full disk under a log flood', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-disk-full-'));
  const ballast = join(dir, 'ballast');
  let engine: Engine | undefined;

  beforeAll(() => {
    mountTmpfs(dir);
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(ballast, Buffer.alloc(bavail * bsize - LEFT_FREE_BYTES));
  });
  afterAll(async () => {
    await engine?.close();
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the engine up and the data intact, then resumes by itself', async () => {
    engine = await Engine.start({
      // No Docker is needed: the flood comes through the engine's log writer, as a follower would feed it.
      docker: new Dockerode({ socketPath: join(tmpdir(), 'berth-disk-full-no-docker.sock') }),
      config: { dataDir: join(dir, 'data'), healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0 },
    });
    const { store, logs, hub } = engine;
    const project = store.projects.create({ name: 'disk-full', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    const received: LogLine[] = [];
    const { unsubscribe } = hub.subscribe(deployment, { since: 0 }, { send: (lines) => void received.push(...lines), ready: () => true, onReady: () => undefined });

    // Flood until the disk is full, then keep logging while it is.
    let written = 0;
    const flood = async (lines: number): Promise<void> => {
      for (let end = written + lines; written < end; ) {
        for (let batch = 0; batch < 500; batch++, written++) logs.append(deployment.id, { stream: 'stdout', source: 'runtime', text: `${written} ${LINE}` });
        await turn();
      }
    };
    for (let rounds = 0; logs.diskFull === null; rounds++) {
      expect(rounds, 'the flood never filled the disk').toBeLessThan(200);
      await flood(5_000);
    }
    await flood(5_000);

    const status = await engine.dispatch('getStatus', {});
    expect(status.ok && status.value.disk).toMatchObject({ full: true, droppedLines: 0 });
    expect(status.ok && status.value.degraded).toBe(true);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Everything a subscriber was handed is on disk, exactly.
    expect(received.length).toBeGreaterThan(0);
    const stored = store.logLines.range(deployment.id, received[0]!.lineNo, received.at(-1)!.lineNo);
    expect(stored.map((line) => [line.lineNo, line.text])).toEqual(received.map((line) => [line.lineNo, line.text]));

    // Space comes back: the held lines are committed and ingest goes on, without a restart.
    rmSync(ballast);
    const resumed = Date.now();
    while (logs.diskFull !== null) {
      expect(Date.now() - resumed, 'the writer did not resume within 20 s of space returning').toBeLessThan(20_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    logs.append(deployment.id, { stream: 'stdout', source: 'runtime', text: 'after the disk had space again' });
    logs.flush();
    const all = store.logLines.since(deployment.id, 0, written + 100);
    const texts = all.map((line) => line.text);
    // Every line of the flood is stored once, in order, numbered without a hole.
    const floodLines = texts.filter((text) => text.endsWith(LINE));
    expect(floodLines).toHaveLength(written);
    expect(floodLines.map((text) => Number(text.split(' ')[0]))).toEqual(Array.from({ length: written }, (_, index) => index));
    expect(all.map((line) => line.lineNo)).toEqual(Array.from({ length: all.length }, (_, index) => index + 1));
    expect(texts.some((text) => text.startsWith('[DISK] the disk was full from') && text.includes('no line was lost'))).toBe(true);
    expect(texts.at(-1)).toBe('after the disk had space again');
    expect(received.at(-1)?.text).toBe('after the disk had space again');
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    unsubscribe();
  });
});
