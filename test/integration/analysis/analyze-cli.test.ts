// `berth analyze` against a real `berth serve` and a loopback server speaking the OpenAI chat-completions
// protocol: nothing is sent until an endpoint is set, the answer streams to the terminal and is stored with
// the run, no secret reaches the request, an unreachable endpoint is a clear error, and headless Berth takes
// the key only as an environment variable.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/store';
import type { Analysis, AnalysisDetail, AnalysisSettings } from '../../../shared';
import { BERTH_BIN, startServeProcess, type ServeProcess } from '../../support/berth-process';
import { SEEDED_SECRETS, SHAPED_SECRETS, seedCrash, seedFailedRun, type SeededFailure } from '../../support/failed-run-seed';
import { startOpenAiServer } from '../../support/openai-server';
import { makeTempDir } from '../../support/temp-dir';

const API_KEY = 'sk-cli-analysis-key-0123456789abcdef';

/** Runs the CLI without blocking this process (the fake model server lives here). */
function berth(args: readonly string[], dataDir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('berth analyze', () => {
  const temp = makeTempDir('berth-analyze-');
  const dataDir = join(temp.dir, 'data');
  let serve: ServeProcess;
  let seeded: SeededFailure;
  let token: string;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${serve.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    const store = Store.open(join(dataDir, 'berth.db'));
    try {
      seeded = seedFailedRun(store, join(temp.dir, 'app'));
      seedCrash(store, seeded.deploymentId);
    } finally {
      store.close();
    }
    serve = await startServeProcess(dataDir, { BERTH_TEST_LLM_KEY: API_KEY });
    token = new URL(serve.browserUrl.replace('#token=', '?token=')).searchParams.get('token')!;
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    temp.cleanup();
  });

  it('with no endpoint: sends nothing, and says how to set one', async () => {
    const result = await berth(['analyze', seeded.runId], dataDir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No analysis endpoint is configured, so nothing was sent\. .*`berth analysis set http:\/\/127\.0\.0\.1:11434\/v1 llama3\.1`/);
    // The dry run shows what would go, and goes nowhere.
    const dry = await berth(['analyze', seeded.runId, '--dry-run'], dataDir);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('POST (no endpoint is set: nothing would be sent)');
    expect(dry.stdout).toContain('[REDACTED:DB_PASSWORD]');
    expect(dry.stdout).not.toContain(SEEDED_SECRETS.dbPassword);
  });

  it('headless Berth keeps no key of its own: a pasted key is refused (403), an environment variable is taken and never shown', async () => {
    const refused = await api<{ error: { code: string; message: string } }>('PUT', '/api/analysis/settings', { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: { value: API_KEY } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'SECRETS_UNAVAILABLE', message: expect.stringMatching(/headless Berth does not store secrets\. Name an environment variable/) });
    expect(JSON.stringify(refused.body)).not.toContain(API_KEY);
    const unset = await api<{ error: { code: string; message: string } }>('PUT', '/api/analysis/settings', { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: { env: 'BERTH_NOT_SET_HERE' } });
    expect(unset.status).toBe(409);
  });

  it('streams the answer to the terminal, stores it with the run, and sends no secret', async () => {
    const model = await startOpenAiServer({ chunks: ['Root cause: ', 'package.json has no "build" script. ', 'Fix: add one.'], delayMs: 30 });
    try {
      const set = await berth(['analysis', 'set', model.baseUrl, 'test-model', '--api-key-env', 'BERTH_TEST_LLM_KEY'], dataDir);
      expect(set.status, set.stderr).toBe(0);
      const settings = await api<AnalysisSettings>('GET', '/api/analysis/settings');
      expect(settings.body).toEqual({ configured: true, baseUrl: model.baseUrl, model: 'test-model', apiKey: { source: 'env', env: 'BERTH_TEST_LLM_KEY', hint: '$BERTH_TEST_LLM_KEY' } });

      const result = await berth(['analyze', seeded.runId, '--show-request'], dataDir);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('Root cause: package.json has no "build" script. Fix: add one.');
      expect(result.stderr).toMatch(/Analysis anl_\w+ with test-model; \d+ secret value\(s\) redacted before sending\./);
      expect(model.requests).toHaveLength(1);
      const [request] = model.requests;
      expect(request!.headers['authorization']).toBe(`Bearer ${API_KEY}`);
      for (const secret of [SEEDED_SECRETS.dbPassword, SEEDED_SECRETS.apiToken, ...SHAPED_SECRETS, API_KEY, token]) expect(request!.body).not.toContain(secret);
      // --show-request prints the body exactly as sent.
      expect(result.stdout).toContain(request!.body);

      const [stored] = (await api<Analysis[]>('GET', `/api/runs/${seeded.runId}/analyses`)).body;
      expect(stored).toMatchObject({ status: 'completed', answer: 'Root cause: package.json has no "build" script. Fix: add one.', model: 'test-model' });
      const detail = (await api<AnalysisDetail>('GET', `/api/analyses/${stored!.id}`)).body;
      expect(detail.request.body).toBe(request!.body);
      expect(detail.request.url).toBe(`${model.baseUrl}/chat/completions`);

      const crash = await berth(['analyze', '--crash', seeded.deploymentId], dataDir);
      expect(crash.status, crash.stderr).toBe(0);
      expect(model.requests[1]!.body).toContain('[CRASH] exit=137 oom=true');
      expect(model.requests[1]!.body).not.toContain(SEEDED_SECRETS.dbPassword);
    } finally {
      await model.close();
    }
  });

  it('an unreachable endpoint: a clear error, the failed analysis stored with it, exit 1', async () => {
    const model = await startOpenAiServer();
    const baseUrl = model.baseUrl;
    await model.close();
    expect((await berth(['analysis', 'set', baseUrl, 'test-model'], dataDir)).status).toBe(0);
    const result = await berth(['analyze', seeded.runId], dataDir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Could not reach the analysis endpoint at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(ECONNREFUSED\)\. Start the server/);
    const [latest] = (await api<Analysis[]>('GET', `/api/runs/${seeded.runId}/analyses`)).body;
    expect(latest).toMatchObject({ status: 'failed', error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
