import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLine } from '../../../shared';
import { Store } from '../../../electron/engine/store/store';
import { makeTempDir } from '../../support/temp-dir';
import { createFloodContainer, removeTestContainers } from './docker-flood';
import { readEvents } from './sse-client';

const docker = new Dockerode();
const repoRoot = new URL('../../..', import.meta.url).pathname;
const ROUNDS = 10;
const LINES_PER_ROUND = 1500;

async function launchServe(dataDir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/berth.js'), 'serve', '--json'], {
    env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'error', BERTH_HEALTH_INTERVAL_MS: '3600000', BERTH_METRICS_INTERVAL_MS: '3600000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('}\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`berth serve exited with ${code}: ${output}`)));
  });
  const api = JSON.parse(readFileSync(join(dataDir, 'api.json'), 'utf8')) as { url: string; token: string };
  return { child, url: api.url, token: api.token };
}

describe('kill -9 of the engine under a log flood', () => {
  const temp = makeTempDir('logs-kill-');
  afterAll(async () => {
    await removeTestContainers(docker);
    temp.cleanup();
  });

  it(`loses no line any subscriber saw, keeps lineNo gap-free and the database intact (${ROUNDS} kills)`, async () => {
    await removeTestContainers(docker);
    const store = Store.open(join(temp.dir, 'berth.db'));
    const project = store.projects.create({ name: 'logs-kill', sourceDir: temp.dir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deploymentId = store.deployments.create(project.id, 'docker').id;
    const container = await createFloodContainer(docker, 'logs-kill-flood', deploymentId, 0, { pauseEvery: 200 });
    await container.start();
    store.deployments.update(deploymentId, { containerId: container.id, status: 'running', startedAt: Date.now() });
    store.close();

    const received = new Map<number, string>();
    let last = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const engine = await launchServe(temp.dir);
      try {
        const response = await fetch(`${engine.url}/api/deployments/${deploymentId}/logs/stream`, {
          headers: { authorization: `Bearer ${engine.token}`, 'last-event-id': String(last) },
        });
        expect(response.status).toBe(200);
        const target = last + LINES_PER_ROUND;
        // A round that gets no lines must fail with a reason, not hang the suite.
        const stall = setTimeout(() => engine.child.kill('SIGKILL'), 60_000);
        for await (const event of readEvents(response)) {
          if (event.event !== 'line') continue;
          const line = JSON.parse(event.data) as LogLine;
          expect(line.lineNo).toBe(last + 1);
          received.set(line.lineNo, line.text);
          last = line.lineNo;
          if (last >= target) break;
        }
        clearTimeout(stall);
        expect(last, `round ${round}: the engine streamed no flood lines within 60 s`).toBe(target);
      } finally {
        const exited = new Promise((resolve) => engine.child.once('exit', resolve));
        engine.child.kill('SIGKILL');
        await exited;
      }
    }
    await container.remove({ force: true });

    const db = new BetterSqlite3(join(temp.dir, 'berth.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT line_no, text FROM log_lines WHERE deployment_id = ? ORDER BY line_no').all(deploymentId) as { line_no: number; text: string }[];
      expect(rows.length).toBeGreaterThanOrEqual(last);
      expect(rows.at(-1)!.line_no).toBe(rows.length);
      const stored = new Map(rows.map((row) => [row.line_no, row.text]));
      const missing = [...received].filter(([lineNo, text]) => stored.get(lineNo) !== text);
      expect(missing).toEqual([]);
      expect(received.size).toBe(ROUNDS * LINES_PER_ROUND);
    } finally {
      db.close();
    }
  });
});
