// `berth logs --grep`: the built CLI against a real engine (in this process) with stored lines, no Docker.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLine } from '../../../shared';
import { BERTH_BIN, runBerthAsync } from '../../support/berth-process';
import { startTestHost, type TestHost } from '../../support/host';

describe('berth logs --grep', () => {
  let host: TestHost;
  let deploymentId: string;

  const berth = (args: readonly string[]) => runBerthAsync(args, host.dataDir);

  beforeAll(async () => {
    host = await startTestHost();
    const project = host.engine.store.projects.create({ name: 'logs-grep', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
    for (let lineNo = 1; lineNo <= 40; lineNo++) {
      const text = lineNo === 5 || lineNo === 7 || lineNo === 30 ? `ERROR timeout ${lineNo}` : lineNo === 20 ? JSON.stringify({ level: 'error', status: 503 }) : `ok ${lineNo}`;
      host.engine.logs.append(deploymentId, { stream: lineNo % 2 ? 'stdout' : 'stderr', source: 'runtime', text });
    }
    host.engine.logs.flush();
  });
  afterAll(async () => host?.stop());

  it('prints the kept lines of the whole history, with context and grep’s -- between groups', async () => {
    const plain = await berth(['logs', deploymentId, '--grep', 'timeout']);
    expect(plain).toMatchObject({ status: 0, stderr: '' });
    expect(plain.stdout).toBe('ERROR timeout 5\nERROR timeout 7\nERROR timeout 30\n');
    const context = await berth(['logs', deploymentId, '--grep', 'timeout', '--context', '1', '--limit', '2']);
    expect(context.stdout).toBe('ok 4\nERROR timeout 5\nok 6\nERROR timeout 7\nok 8\n');
    const rest = await berth(['logs', deploymentId, '--grep', 'timeout', '--context', '1', '--since', '8']);
    expect(rest.stdout).toBe('ok 29\nERROR timeout 30\nok 31\n');
    const grouped = await berth(['logs', deploymentId, '--grep', 'ERROR \\w+ 30|"status":503', '--regex', '--context', '1']);
    expect(grouped.stdout).toBe('ok 19\n{"level":"error","status":503}\nok 21\n--\nok 29\nERROR timeout 30\nok 31\n');
  });

  it('takes field terms, --exclude, --stream and --json', async () => {
    expect((await berth(['logs', deploymentId, '--grep', 'level:error status>=500'])).stdout).toBe('{"level":"error","status":503}\n');
    const excluded = await berth(['logs', deploymentId, '--grep', 'ok', '--exclude', '--stream', 'stdout']);
    expect(excluded.stdout).toBe('ERROR timeout 5\nERROR timeout 7\n');
    const json = await berth(['--json', 'logs', deploymentId, '--grep', 'timeout', '--context', '1', '--since', '20']);
    const page = JSON.parse(json.stdout) as { lines: LogLine[]; matches: number[]; truncated: boolean };
    expect(page.lines.map((line) => line.lineNo)).toEqual([29, 30, 31]);
    expect(page.matches).toEqual([30]);
    expect(page.truncated).toBe(false);
  });

  it('takes --level: only lines of those stored levels', async () => {
    // "ERROR timeout N" lines and the JSON line are error; "ok N" lines have no level.
    expect((await berth(['logs', deploymentId, '--grep', '7', '--level', 'error'])).stdout).toBe('ERROR timeout 7\n');
    expect((await berth(['logs', deploymentId, '--grep', 'ok', '--exclude', '--level', 'error,fatal', '--stream', 'stderr'])).stdout).toBe('{"level":"error","status":503}\nERROR timeout 30\n');
    const bad = await berth(['logs', deploymentId, '--grep', 'x', '--level', 'error,loud']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--level takes a comma list of trace, debug, info, warn, error, fatal, unknown \(got "error,loud"\)/);
  });

  it('refuses a bad filter naming --grep, and filter flags without --grep', async () => {
    const regex = await berth(['logs', deploymentId, '--grep', '(a)\\1', '--regex']);
    expect(regex.status).toBe(2);
    expect(regex.stderr).toMatch(/^berth: --grep: not a regular expression full-history search can run \(invalid escape sequence: `\\1`\)/);
    const field = await berth(['logs', deploymentId, '--grep', 'Error:']);
    expect(field.stderr).toBe('berth: --grep: "Error:" has no value after ":". Write a value (Error:value), or quote the term ("Error:") to find it as text.\n');
    const alone = await berth(['logs', deploymentId, '--exclude', '--context', '2']);
    expect(alone).toMatchObject({ status: 2, stderr: 'berth: --exclude, --context only apply with --grep <filter>.\n' });
    const stream = await berth(['logs', deploymentId, '--grep', 'x', '--stream', 'stdout,err']);
    expect(stream.status).toBe(2);
    expect(stream.stderr).toMatch(/--stream takes a comma list of stdout, stderr, system \(got "stdout,err"\)/);
  });

  it('with --follow, filters the live lines the same way, with their context', async () => {
    const child = spawn(process.execPath, [BERTH_BIN, '--json', 'logs', deploymentId, '--grep', 'timeout', '--context', '1', '--since', '25', '-f'], {
      env: { ...process.env, BERTH_DATA_DIR: host.dataDir, BERTH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const shown: { lineNo: number; text: string; match: boolean }[] = [];
      let buffer = '';
      let wroteLate = false;
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`berth logs --grep -f exited with ${code}`)));
        child.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let end: number;
          while ((end = buffer.indexOf('\n')) !== -1) {
            shown.push(JSON.parse(buffer.slice(0, end)) as { lineNo: number; text: string; match: boolean });
            buffer = buffer.slice(end + 1);
          }
          if (!wroteLate && shown.length >= 3) {
            wroteLate = true;
            for (const text of ['late a', 'late b', 'late TIMEOUT c', 'late d', 'late e']) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text });
            host.engine.logs.flush();
          }
          if (shown.length >= 6) resolve();
        });
      });
      expect(shown.map((line) => [line.lineNo, line.text, line.match])).toEqual([
        [29, 'ok 29', false],
        [30, 'ERROR timeout 30', true],
        [31, 'ok 31', false],
        [42, 'late b', false],
        [43, 'late TIMEOUT c', true],
        [44, 'late d', false],
      ]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
