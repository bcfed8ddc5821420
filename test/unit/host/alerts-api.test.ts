// The alerts routes over real HTTP, headless (no vault) and in the desktop app's shape (a vault): what the
// OpenAPI document says of them, secrets refused or kept and never echoed, rules checked against what exists,
// and `berth alerts ls|test|history` against the same engine.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, Delivery, Rule } from '../../../shared';
import { BERTH_BIN } from '../../support/berth-process';
import { startTestHost, type TestHost } from '../../support/host';
import { startReceiver, type Receiver } from '../../support/http-receiver';
import { createTestVault } from '../../support/test-vault';

const SECRET_URL_PART = 'T000/B000/verysecretpath';

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

describe('the alerts API', () => {
  let host: TestHost | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await host?.stop();
    await receiver?.close();
    host = undefined;
  });

  const post = (path: string, body?: unknown) => host!.json(path, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

  it('documents a channel as one shape per kind, with a body required; a request without one is refused', async () => {
    host = await startTestHost();
    const document = (await host.json<{ paths: Record<string, Record<string, { requestBody?: { required: boolean; content: Record<string, { schema: { oneOf?: unknown[] } }> } }>> }>('/api/openapi.json')).body;
    const create = document.paths['/api/alerts/channels']!['post']!;
    expect(create.requestBody?.required).toBe(true);
    expect(create.requestBody?.content['application/json']?.schema.oneOf).toHaveLength(5);
    const empty = await post('/api/alerts/channels');
    expect(empty.status).toBe(400);
    const wrong = await post('/api/alerts/channels', { kind: 'slack', name: 'x' });
    expect(wrong.status).toBe(400);
    // DELETE and the test are what the channel path takes.
    const get = await host.api('/api/alerts/channels/chn_desktop');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('DELETE, OPTIONS');
  });

  it('headless: a pasted URL is refused (403), an unset variable too (409); a set one is kept by name and never echoed', async () => {
    host = await startTestHost({ env: { BERTH_SLACK_URL: `https://hooks.slack.com/services/${SECRET_URL_PART}` } });
    const pasted = await post('/api/alerts/channels', { kind: 'slack', name: 'team', url: { value: `https://hooks.slack.com/services/${SECRET_URL_PART}` } });
    expect(pasted.status).toBe(403);
    expect(JSON.stringify(pasted.body)).not.toContain(SECRET_URL_PART);
    expect(pasted.body).toMatchObject({ error: { code: 'SECRETS_UNAVAILABLE', field: 'url', message: expect.stringMatching(/headless Berth does not store secrets\. Name an environment variable/) } });
    const unset = await post('/api/alerts/channels', { kind: 'slack', name: 'team', url: { env: 'BERTH_NOT_SET' } });
    expect(unset.status).toBe(409);
    expect(unset.body).toMatchObject({ error: { message: expect.stringMatching(/BERTH_NOT_SET is not set in the engine's environment/) } });
    const kept = await post('/api/alerts/channels', { kind: 'slack', name: 'team', url: { env: 'BERTH_SLACK_URL' } });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ kind: 'slack', name: 'team', url: { source: 'env', env: 'BERTH_SLACK_URL', hint: '$BERTH_SLACK_URL' }, signingSecret: null });
    expect(JSON.stringify((await host.json<Channel[]>('/api/alerts/channels')).body)).not.toContain(SECRET_URL_PART);
  });

  it('the desktop app: a pasted URL and secret are sealed, shown only as hints', async () => {
    host = await startTestHost({ vault: createTestVault() });
    const created = await post('/api/alerts/channels', { kind: 'webhook', name: 'hook', url: { value: `https://example.test/${SECRET_URL_PART}` }, signingSecret: { value: 'a-signing-secret-0123456789' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ url: { source: 'sealed', env: null, hint: 'example.test …path' }, signingSecret: { source: 'sealed', hint: '…6789' } });
    const stored = host.engine.store.alertChannels.get((created.body as Channel).id)!;
    expect(stored.url!.sealed!.toString('utf8')).not.toContain(SECRET_URL_PART);
  });

  it('rules: checked against the channels and projects that exist; events named twice are kept once; changes and deletes', async () => {
    host = await startTestHost();
    const missingChannel = await post('/api/alerts/rules', { name: 'r', trigger: { type: 'events', events: ['crash'] }, channelIds: ['chn_nope'] });
    expect(missingChannel.status).toBe(409);
    const missingProject = await post('/api/alerts/rules', { name: 'r', projectId: 'prj_nope', trigger: { type: 'events', events: ['crash'] }, channelIds: ['chn_desktop'] });
    expect(missingProject.status).toBe(404);
    const badPattern = await post('/api/alerts/rules', { name: 'r', trigger: { type: 'log_pattern', pattern: '(?=look)ahead', minMatches: 1, windowMs: 1000 }, channelIds: ['chn_desktop'] });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body).toMatchObject({ error: { field: 'trigger.pattern', message: expect.stringMatching(/RE2 syntax/) } });
    const created = await post('/api/alerts/rules', { name: 'r', trigger: { type: 'events', events: ['crash', 'crash', 'oom'] }, channelIds: ['chn_desktop', 'chn_desktop'] });
    expect(created.status).toBe(200);
    const rule = created.body as Rule;
    expect(rule).toMatchObject({ projectId: null, enabled: true, cooldownMs: 600_000, groupBy: 'deployment', channelIds: ['chn_desktop'], trigger: { events: ['crash', 'oom'], crashLoop: { crashes: 3, windowMs: 600_000 } } });
    const patched = await host.json<Rule>(`/api/alerts/rules/${rule.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: false, cooldownMs: 0 }) });
    expect(patched.body).toMatchObject({ enabled: false, cooldownMs: 0, name: 'r' });
    expect((await host.json(`/api/alerts/rules/${rule.id}`, { method: 'DELETE' })).body).toEqual({ deleted: true });
    expect((await host.json(`/api/alerts/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('berth alerts ls, test and history', async () => {
    receiver = await startReceiver((_request, index, response) => void response.writeHead(index === 0 ? 200 : 503).end());
    host = await startTestHost({ env: { BERTH_NTFY_URL: `${receiver.url}/topic` } });
    const channel = (await post('/api/alerts/channels', { kind: 'ntfy', name: 'phone', url: { env: 'BERTH_NTFY_URL' } })).body as Channel;
    await post('/api/alerts/rules', { name: 'crashes to phone', trigger: { type: 'events', events: ['crash', 'crash_loop'] }, channelIds: [channel.id] });

    const ls = await berth(['alerts', 'ls'], host.dataDir);
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`${channel.id}\\s+ntfy\\s+phone\\s+\\$BERTH_NTFY_URL`));
    expect(ls.stdout).toMatch(/crashes to phone\s+all projects\s+crash,crash_loop \(loop: 3 in 10m\)\s+10m\/deployment\s+phone/);

    const test = await berth(['alerts', 'test', channel.id], host.dataDir);
    expect(test.status, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/^Test to phone \(ntfy\): delivered after 1 try: 200 in \d+ ms$/m);
    const failing = await berth(['alerts', 'test', channel.id], host.dataDir);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('failed after 1 try: 503');
    expect(failing.stderr).toMatch(/The test alert was not delivered to "phone"/);

    const history = await berth(['alerts', 'history', '--json'], host.dataDir);
    const deliveries = JSON.parse(history.stdout) as Delivery[];
    expect(deliveries.map((delivery) => [delivery.channel.name, delivery.kind, delivery.status, delivery.attempts.map((attempt) => attempt.statusCode)])).toEqual([
      ['phone', 'test', 'failed', [503]],
      ['phone', 'test', 'delivered', [200]],
    ]);
  });
});
