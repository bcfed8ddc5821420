import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLine } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';
import { BERTH_BIN } from '../../support/berth-process';

describe('berth logs -f', () => {
  let host: TestHost;
  let deploymentId: string;
  beforeAll(async () => {
    host = await startTestHost();
    const project = host.engine.store.projects.create({ name: 'logs-follow', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
  });
  afterAll(() => host?.stop());

  it('prints stored lines after --since, then follows new ones live, each once, in order', async () => {
    for (let index = 1; index <= 10; index++) host.engine.logs.append(deploymentId, { stream: index % 2 ? 'stdout' : 'stderr', source: 'runtime', text: `early ${index}` });
    host.engine.logs.flush();
    const child = spawn(process.execPath, [BERTH_BIN, '--json', 'logs', deploymentId, '--since', '4', '-f'], {
      env: { ...process.env, BERTH_DATA_DIR: host.dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines: LogLine[] = [];
      let buffer = '';
      let wroteLate = false;
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`berth logs -f exited with ${code}`)));
        child.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let end: number;
          while ((end = buffer.indexOf('\n')) !== -1) {
            lines.push(JSON.parse(buffer.slice(0, end)) as LogLine);
            buffer = buffer.slice(end + 1);
          }
          if (!wroteLate && lines.length >= 6) {
            wroteLate = true;
            for (let index = 11; index <= 15; index++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: `late ${index}` });
            host.engine.logs.flush();
          }
          if (lines.length >= 11) resolve();
        });
      });
      expect(lines.map((line) => line.lineNo)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      expect(lines.map((line) => line.text)).toEqual([...[5, 6, 7, 8, 9, 10].map((n) => `early ${n}`), ...[11, 12, 13, 14, 15].map((n) => `late ${n}`)]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
